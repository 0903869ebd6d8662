import type { SimState } from '../model/state';
import type { IdentitySet, SimDrive, SimItem } from '../model/types';
import { deleteItem, liveChildren, putItem, stamp } from './operations';
import { webUrlOf } from './serialize';

/**
 * Items real drives hold that are not plain files and folders: OneNote notebooks (packages with
 * their internals), shortcuts to another drive's folder, files listed without hashes, and deletes
 * whose tombstone delta never shows. The test API (api.ts) builds them; each cites its source.
 */

/**
 * A OneNote notebook as OneDrive and SharePoint store it: a `package` item (`package.type =
 * "oneNote"`, no folder facet: package.md) holding the notebook's files and folders, which delta
 * lists like any other item under the package's id (abraunegg `src/sync.d` collects those parent ids
 * as a "catch all" for "any objects inside this container"): the table of contents `Open
 * Notebook.onetoc2`, one `.one` file per section, and the `OneNote_RecycleBin` folder (a `folder` with
 * a size, abraunegg's sample JSON) with `OneNote_DeletedPages.one`. The `.one`/`.onetoc2` files have
 * no hashes (putItem, names.ts).
 */
export function createNotebook(
    state: SimState,
    parent: SimItem,
    name: string,
    by: IdentitySet,
    sections: readonly string[] = ['Section 1'],
): SimItem {
    const { item: notebook } = putItem(state, parent, { name, isFolder: true, by, conflictBehavior: 'fail' });
    notebook.packageType = 'oneNote';
    stamp(state, notebook, 'metadata');
    const file = (folder: SimItem, fileName: string, text: string): SimItem =>
        putItem(state, folder, {
            name: fileName,
            isFolder: false,
            content: Buffer.from(text),
            by,
            conflictBehavior: 'replace',
        }).item;
    file(notebook, 'Open Notebook.onetoc2', `toc of ${name}`);
    for (const section of sections) file(notebook, `${section}.one`, `${section} of ${name}`);
    const bin = putItem(state, notebook, { name: 'OneNote_RecycleBin', isFolder: true, by, conflictBehavior: 'fail' });
    file(bin.item, 'OneNote_DeletedPages.one', 'deleted pages');
    return notebook;
}

/**
 * "Add shortcut to My files" (Business) / "Add to my OneDrive" (Personal): an item at the root of the
 * user's drive whose `remoteItem` facet points at a folder of another drive. It has no folder facet of
 * its own (onedrive-api-docs#284), and "for shared folders added to a drive, delta will not return any
 * information about changes within the shared folder" (driveitem_delta.md, Remarks): nothing is ever
 * listed under it. "A shared folder can only be added to the root of a user's drive"
 * (using-sharing-links.md).
 */
export function addShortcut(state: SimState, drive: SimDrive, target: SimItem, name: string, by: IdentitySet): SimItem {
    const targetDrive = state.drives.get(target.driveId) as SimDrive;
    const root = state.items.get(drive.rootId) as SimItem;
    const { item } = putItem(state, root, { name, isFolder: false, by, conflictBehavior: 'fail' });
    item.remote = {
        driveId: targetDrive.id,
        driveType: targetDrive.driveType,
        id: target.id,
        name: target.name,
        isFolder: target.isFolder,
        size: target.isFolder ? 0 : target.content.length,
        webUrl: webUrlOf(state, targetDrive, target),
    };
    stamp(state, item, 'metadata');
    return item;
}

/** A delete that delta never reports, for the item and everything under it (onedrive-api-docs#1927). */
export function removeWithoutTombstone(state: SimState, item: SimItem): void {
    const subtree: SimItem[] = [];
    const walk = (at: SimItem): void => {
        subtree.push(at);
        for (const child of liveChildren(state, at)) walk(child);
    };
    walk(item);
    deleteItem(state, item);
    for (const gone of subtree) gone.tombstoneDropped = true;
}
