import type { Client } from '@microsoft/microsoft-graph-client';
import type { ChangeRecorder } from '../../changes';
import type { DriveRecord } from '../../drives/driveRecord';
import type { IntegrationRecord } from '../../integration/integrationRepository';
import type { Services } from '../../runtime/services';
import type { BaselineEntry } from '../plan/types';
import type { TransferBatcher } from './transferBatcher';

export interface ApplyContext {
    services: Services;
    integration: IntegrationRecord;
    drive: DriveRecord;
    graph: Client;
    runId: string;
    /**
     * Platform paths of the folders the baseline pairs with a SharePoint folder (the engine passes
     * them). A platform move or delete that empties one of these keeps it with a marker blob, since
     * the folder still exists on SharePoint (platformWrites.ts, keepParentFolder).
     */
    knownFolders?: ReadonlySet<string>;
    /** The baseline the plan was made from (engine-provided): what a moved folder's descendants were. */
    baseline?: readonly BaselineEntry[];
    /**
     * `baseline` holds every row of the drive (a full load, or none at a first sync), so an item it
     * does not hold has no row. False when it holds only the rows around the changes (state/baselineIndex.ts).
     */
    baselineComplete?: boolean;
}

/**
 * What the actions of one plan share while it is applied: baseline facts learned on the way (written
 * once at the end, in action order) and the new ETags of blobs the applier copied (a platform move
 * changes a blob's ETag, and later rows and transfer messages must expect the new one).
 */
export class ApplyState {
    /** remoteId → the row to write, or null to forget it; later actions overwrite earlier ones. */
    readonly baseline = new Map<string, BaselineEntry | null>();
    readonly blobETags = new Map<string, string>();
    /** Folders that exist on SharePoint (baseline folders and this plan's platform folder targets): never left to vanish. */
    readonly folders = new Set<string>();
    transfersEnqueued = 0;
    /** Sends this plan's transfer messages, small files batched (transferBatcher.ts); made on first use. */
    transfers?: TransferBatcher;
    /** The change feed's group commit for this plan (recordChange.ts), made on first use. */
    changes?: ChangeRecorder;

    /** The items (`action.item`) that have a content transfer in this plan. */
    constructor(readonly itemsWithTransfers: ReadonlySet<string>) {}

    upsert(entry: BaselineEntry): void {
        this.baseline.set(entry.remoteId, entry);
    }

    forget(remoteId: string): void {
        this.baseline.set(remoteId, null);
    }

    /** The ETag a blob has now if the applier moved it, else what the plan saw. */
    etagOf(path: string, planned: string | undefined): string | undefined {
        return this.blobETags.get(path) ?? planned;
    }
}

export function driveGraphId(drive: DriveRecord): string {
    if (!drive.graph?.driveId) throw new Error(`Drive ${drive.id} has no SharePoint / OneDrive drive bound yet.`);
    return drive.graph.driveId;
}
