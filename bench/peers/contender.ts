import type { GraphSimApi } from '../../dev/m365/graph';
import type { RequestLog } from '../../dev/m365/requestLog';
import type { RunResult } from './run';
import type { StorageCounts } from './storageCount';
import type { Tree } from './tree';

/** A Graph client under test: how it copies a tree from its drive to a folder, and from a folder to its drive. */
export interface Contender {
    name: 'service' | 'rclone' | 'onedrive';
    /** The OneDrive in the simulator that holds a top folder ('small', 'large', 'up-small'…): seeded by the bench. */
    driveFor(folder: string): string;
    /** The concurrency it runs with, in its own terms. */
    concurrency: string;
    /** Copies `<drive>/<tree.root>` to `<dir>/<tree.root>` (a first sync, or a re-sync of what is there). */
    download(tree: Tree, dir: string): Promise<RunResult>;
    /** Copies `<dir>/<folder>` to `<drive>/<folder>` (`dir` holds nothing else); absent when not wired. */
    upload?(folder: string, dir: string): Promise<RunResult>;
    /** Its own simulator, when it does not use the shared one (the service runs with its own). */
    sim?: { graph: GraphSimApi; requests: RequestLog };
    /** Checks what a download wrote, when it is not a local folder (the service's platform store). */
    verifyDownload?(tree: Tree, expected: Map<string, string>): Promise<string[]>;
    /** The Storage requests it sent since the last call (the service: its platform store and state). */
    storageCounts?(): StorageCounts;
    stop?(): Promise<void>;
}
