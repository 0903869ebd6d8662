import type { Unsupported } from '../plan';
import type { DeltaItem } from './deltaItem';

/**
 * SharePoint items the sync leaves where they are, and what the run record says about each, in an
 * admin's words (m365-quirks.md entries 7 and 8):
 * - packages: a OneNote notebook is a `package` item (`package.type = "oneNote"`) whose parts (section
 *   files, the table of contents, `OneNote_RecycleBin`) only OneNote may write; copied file by file
 *   and written back it can be corrupted, so it is skipped as a whole (abraunegg `src/sync.d` skips
 *   notebooks and everything inside them; rclone hides them unless `--onedrive-expose-onenote-files`);
 * - shortcuts (`remoteItem`, "Add shortcut to My files"): the content lives in another drive and
 *   delta does not list it ("For shared folders added to a drive, delta will not return any
 *   information about changes within the shared folder", driveitem_delta.md), so syncing it would
 *   give the platform an empty folder.
 */
export function unsupportedItem(item: DeltaItem): Unsupported | undefined {
    const name = item.name ?? 'this item';
    if (item.remoteItem)
        return {
            rule: 'shortcut',
            message: `Shortcut to a shared folder or file ("Add shortcut to My files"): not synced. "${name}" points into another drive, whose content this drive's sync does not see.`,
            hint: 'Open it in OneDrive or SharePoint; to sync that content, connect the library it points to as a drive of its own.',
        };
    if (!item.package) return undefined;
    if (item.package.type?.toLowerCase() === 'onenote')
        return {
            rule: 'onenote_notebook',
            message: `OneNote notebook: not synced. "${name}" is a OneNote notebook; copying its parts as files could damage it, so it stays in SharePoint/OneDrive as it is.`,
            hint: 'Open it in OneNote (desktop or web) from SharePoint/OneDrive; nothing needs fixing.',
        };
    return {
        rule: 'package_not_synced',
        message: `"${name}" is a ${item.package.type ?? 'special'} package, not a folder: not synced.`,
        hint: 'Open it in SharePoint/OneDrive; it stays there as it is.',
    };
}

/** What the run record says about an item inside a skipped package (every one of them gets this outcome). */
export function insideUnsupported(container: DeltaItem, outer: Unsupported): Unsupported {
    const name = container.name ?? 'a package';
    if (outer.rule === 'onenote_notebook')
        return {
            rule: 'onenote_notebook_content',
            message: `Part of the OneNote notebook "${name}": not synced (the notebook is left in SharePoint/OneDrive as a whole).`,
            hint: outer.hint,
        };
    return {
        rule: `${outer.rule}_content`,
        message: `Inside "${name}", which is not synced: not synced either.`,
        hint: outer.hint,
    };
}
