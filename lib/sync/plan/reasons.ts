import { Reason } from './types';

/** One sentence per reason code; codes are stable (the conflict inbox and run history branch on them). */
const MESSAGES: Record<string, string> = {
    created_on_remote: 'Created on SharePoint; copying it to the platform.',
    created_on_platform: 'Created on the platform; copying it to SharePoint.',
    created_on_both: 'Created on both sides under the same name.',
    changed_on_remote: 'Changed on SharePoint since the last sync; the platform copy is unchanged.',
    changed_on_platform: 'Changed on the platform since the last sync; the SharePoint copy is unchanged.',
    same_content: 'Both sides hold the same content (same QuickXorHash and size); only the sync state is updated.',
    metadata_only: 'Only metadata changed (tags moved, content did not); only the sync state is updated.',
    moved_on_remote: 'Moved or renamed on SharePoint.',
    moved_on_platform: 'Moved or renamed on the platform.',
    moved_on_both: 'Moved the same way on both sides.',
    move_conflict: 'Moved to different places on each side; the drive policy picked one.',
    name_taken: 'Another item already has this name here, so this one gets a conflict name.',
    deleted_on_remote: 'Deleted on SharePoint and unchanged on the platform since the last sync.',
    deleted_on_platform: 'Deleted on the platform and unchanged on SharePoint since the last sync.',
    deleted_on_both: 'Deleted on both sides; only the sync state is cleared.',
    delete_vs_edit:
        'Deleted on one side but changed or moved on the other: the change wins and the item is re-created.',
    kept_for_content: 'Deleted on one side, but something inside it survives, so the folder is re-created.',
    resync_unlisted: 'Missing from the full listing after a resync: it is uploaded again, never deleted on absence.',
    unlisted_on_remote:
        "Missing from SharePoint's full listing (after a resync, or the periodic check for deletes delta did not report) and unchanged on the platform since the last sync: it was deleted in SharePoint.",
    replaced_by_pair: 'Matched with an item created on the other side; the old sync record is replaced.',
    conflict_keep_both: 'Changed on both sides: both versions are kept; the older one becomes the conflict copy.',
    conflict_prefer_remote: 'Changed on both sides: the drive prefers SharePoint, so its version wins.',
    conflict_prefer_platform: 'Changed on both sides: the drive prefers the platform, so its version wins.',
    conflict_newest_remote: 'Changed on both sides: the SharePoint version is newer and wins.',
    conflict_newest_platform: 'Changed on both sides: the platform version is newer and wins.',
    conflict_newest_tie: 'Changed on both sides in the same second: both versions are kept.',
    big_delete: 'Held: this run would delete more items than the big-delete limits allow; approve to apply.',
};

export function reason(code: string, message?: string): Reason {
    return { code, message: message ?? MESSAGES[code] ?? code };
}
