import type { Services } from '../../runtime/services';
import type { RemoteEntry } from '../plan';
import { type DeltaItem, fromJournalItem } from './deltaItem';
import { LastOccurrences } from './lastOccurrences';
import { journalItemPages, journalPages } from './pageJournal';
import { RemotePaths } from './remoteEntries';

/**
 * A full delta listing (a first sync's) read back from the page journal instead of held in memory:
 * a first pass keeps only the folders (to resolve paths) and which occurrence of each id is its last;
 * `entries()` then reads the pages again and yields the planner's entries page by page. Memory is
 * O(folders) plus a few bytes per item, whatever the drive holds.
 */
export interface FullListing {
    rootId?: string;
    /** Items in the listing (every occurrence). */
    listed: number;
    /** Last occurrences as planner entries, a page at a time, in listing order (folders included). */
    entries(): AsyncGenerator<RemoteEntry[]>;
    /** Items whose parent chain the listing does not explain (filled while `entries()` runs). */
    orphans: DeltaItem[];
}

export async function readFullListing(
    services: Services,
    driveId: string,
    enumerationId: string,
    knownRootId?: string,
): Promise<FullListing> {
    const pages = () => journalPages(services, driveId, enumerationId);
    const folders = new Map<string, DeltaItem>();
    const occurrences = new LastOccurrences();
    let rootId: string | undefined;
    let listed = 0;
    // Ids and flags only: the journal's compact form, a delta item built for the folders alone.
    for await (const page of journalItemPages(services, driveId, enumerationId)) {
        for (const j of page) {
            const flags = j.k ?? '';
            occurrences.see(j.i, listed++);
            if (flags.includes('r')) rootId = j.i;
            // The last occurrence decides whether an id is a folder (an item can change type mid-listing).
            if (flags.includes('f') && !flags.includes('r')) folders.set(j.i, fromJournalItem(j));
            else folders.delete(j.i);
        }
    }
    rootId ??= knownRootId;
    const paths = new RemotePaths(folders, rootId);
    const orphans: DeltaItem[] = [];
    return {
        rootId,
        listed,
        orphans,
        async *entries() {
            let seq = 0;
            for await (const page of pages()) {
                const out: RemoteEntry[] = [];
                for (const item of page) {
                    if (!occurrences.isLast(item.id, seq++) || item.root || item.id === rootId) continue;
                    const entry = paths.entryOf(item);
                    if (entry) out.push(entry);
                    else orphans.push(item);
                }
                yield out;
            }
        },
    };
}
