import type { SyncDeps } from '../../lib/sync/engine';
import type { BaselineEntry, PlatformEntry } from '../../lib/sync/plan';
import type { GraphSimApi } from '../../dev/m365/graph/api';

/**
 * The benchmark measures the engine (delta paging, cursor and journal, planning, run records), not the
 * copies: the transfer bench measures those. So the platform side is a mirror of the drive, "already
 * copied": after the first sync the baseline and the platform listing agree with SharePoint, as they
 * would once every transfer finished, and the applier reports each action without performing it.
 */
export function mirrorDeps(): {
    deps: Partial<SyncDeps>;
    settle(tree: ReturnType<GraphSimApi['listTree']>): void;
    baseline(): BaselineEntry[];
} {
    let baseline: BaselineEntry[] = [];
    let platform: PlatformEntry[] = [];
    return {
        deps: {
            loadBaseline: async () => baseline,
            // Held in memory, so there is no path index: every run loads the mirror whole (the planner still scopes).
            baselineCount: async () => undefined,
            ensureBaselineIndex: async () => undefined,
            listPlatformEntries: async () => platform,
            streamPlatformEntries: async function* () {
                for (let at = 0; at < platform.length; at += 5000) yield platform.slice(at, at + 5000);
            },
            applyPlan: async (_ctx, plan) => ({
                outcomes: plan.actions.map((a) => ({
                    path: 'path' in a ? String(a.path) : '',
                    action: a.kind,
                    status: 'ok' as const,
                    code: a.reason.code,
                    message: a.reason.message,
                })),
                transfersEnqueued: plan.actions.filter((a) => a.kind === 'download').length,
            }),
        },
        baseline: () => baseline,
        settle(tree) {
            baseline = tree.map((i) => ({
                remoteId: i.id,
                platformPath: i.path.slice(1),
                isFolder: i.isFolder,
                remoteETag: i.eTag,
                ...(i.isFolder ? {} : { remoteCTag: i.cTag, remoteHash: i.quickXorHash }),
                remoteSize: i.isFolder ? 0 : i.size,
                ...(i.isFolder ? {} : { platformETag: `"0x${i.id}"`, platformHash: i.quickXorHash }),
                platformSize: i.isFolder ? 0 : i.size,
            }));
            platform = tree.map((i) => ({
                path: i.path.slice(1),
                isFolder: i.isFolder,
                ...(i.isFolder ? {} : { blobETag: `"0x${i.id}"`, contentHash: i.quickXorHash }),
                size: i.isFolder ? 0 : i.size,
                lastModified: i.fileSystemModified,
            }));
        },
    };
}
