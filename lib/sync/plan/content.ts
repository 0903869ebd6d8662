import { sameContent, wholeSeconds } from './compare';
import { ContentDecision, SyncItem } from './model';
import { ConflictPolicy, PlatformEntry, RemoteEntry } from './types';

/**
 * The content rows of the decision table, for a file live on both sides. Only a side whose content
 * changed since the baseline sends it; when both changed, equal content (same QuickXorHash and size)
 * is not a conflict (bisync's equality check), otherwise the drive's policy decides.
 */
export function decideContent(item: SyncItem, policy: ConflictPolicy, firstSync: boolean): ContentDecision {
    const remote = item.remote;
    const platform = item.platform;
    if (item.isFolder || !remote || !platform) return { kind: 'none' };
    if (item.fate === 'pair') {
        if (sameContent(remote, platform)) return { kind: 'equal', why: 'same_content' };
        // First sync (or one resumed: the pair has no row): nothing says which copy is newer, so both are kept whatever the policy.
        return resolveConflict(firstSync ? 'keep-both' : policy, remote, platform);
    }
    const remoteChanged = item.remoteChange === 'content';
    const platformChanged = item.platformChange === 'content';
    if (!remoteChanged && !platformChanged) return { kind: 'none' };
    if (remoteChanged && !platformChanged) return { kind: 'download', why: 'changed_on_remote' };
    if (!remoteChanged) return { kind: 'upload', why: 'changed_on_platform' };
    if (sameContent(remote, platform)) return { kind: 'equal', why: 'same_content' };
    return resolveConflict(policy, remote, platform);
}

export function resolveConflict(policy: ConflictPolicy, remote: RemoteEntry, platform: PlatformEntry): ContentDecision {
    const remoteSeconds = wholeSeconds(remote.lastModified);
    const platformSeconds = wholeSeconds(platform.lastModified);
    switch (policy) {
        case 'prefer-remote':
            return { kind: 'download', why: 'conflict_prefer_remote' };
        case 'prefer-platform':
            return { kind: 'upload', why: 'conflict_prefer_platform' };
        case 'newest':
            if (remoteSeconds > platformSeconds) return { kind: 'download', why: 'conflict_newest_remote' };
            if (platformSeconds > remoteSeconds) return { kind: 'upload', why: 'conflict_newest_platform' };
            // Same second: no way to tell, so keep both rather than guess (graph-sync.md §1.3 resync advice).
            return { kind: 'keepBoth', loser: 'platform', why: 'conflict_newest_tie' };
        case 'keep-both':
            // The newer edit keeps the name; the older becomes the conflict copy.
            return {
                kind: 'keepBoth',
                loser:
                    remoteSeconds > platformSeconds
                        ? 'platform'
                        : platformSeconds > remoteSeconds
                          ? 'remote'
                          : 'platform',
                why: 'conflict_keep_both',
            };
    }
}
