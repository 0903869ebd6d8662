import { compareText, depth, parentPath } from './paths';
import { BaselineEntry } from './types';

/** The baseline indexed by remote id and by platform path, in parent-before-child order. */
export interface BaselineTree {
    ordered: BaselineEntry[];
    byId: Map<string, BaselineEntry>;
    byPath: Map<string, BaselineEntry>;
    parentOf(entry: BaselineEntry): BaselineEntry | undefined;
    /** Baseline files below a folder, by their path relative to it. */
    filesUnder(folder: BaselineEntry): { relative: string; entry: BaselineEntry }[];
}

export function buildBaselineTree(entries: readonly BaselineEntry[]): BaselineTree {
    const byId = new Map<string, BaselineEntry>();
    for (const e of entries) byId.set(e.remoteId, e);
    const ordered = [...byId.values()].sort(
        (a, b) => depth(a.platformPath) - depth(b.platformPath) || compareText(a.platformPath, b.platformPath),
    );
    const byPath = new Map(ordered.map((e) => [e.platformPath, e]));
    return {
        ordered,
        byId,
        byPath,
        parentOf: (entry) => byPath.get(parentPath(entry.platformPath)),
        filesUnder: (folder) => {
            const prefix = `${folder.platformPath}/`;
            return ordered
                .filter((e) => !e.isFolder && e.platformPath.startsWith(prefix))
                .map((entry) => ({ relative: entry.platformPath.slice(prefix.length), entry }));
        },
    };
}
