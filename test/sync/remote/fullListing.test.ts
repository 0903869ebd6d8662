import type { Services } from '../../../lib/runtime/services';
import type { RemoteEntry } from '../../../lib/sync/plan';
import { readFullListing, toRemoteEntries, type DeltaItem } from '../../../lib/sync/remote';
import { LastOccurrences } from '../../../lib/sync/remote/lastOccurrences';
import { dropJournal, journalPage } from '../../../lib/sync/remote/pageJournal';
import { uniqueSuffix } from '../../support/uniqueNames';
import { storageServices } from '../state/storageServices';

/**
 * A first sync's delta listing read back from the page journal (remote/fullListing.ts) must give the
 * entries the in-memory resolution gives (toRemoteEntries over every item, last occurrence wins):
 * children before their parents, items listed twice (moved, edited, turned into a folder), orphans.
 */
let services: Services;
beforeAll(async () => (services = await storageServices()));

const folder = (id: string, parent: string, name: string): DeltaItem => ({
    id,
    name,
    parentReference: { id: parent },
    folder: {},
    eTag: `e-${id}`,
});
const file = (id: string, parent: string, name: string, eTag = `e-${id}`): DeltaItem => ({
    id,
    name,
    parentReference: { id: parent },
    file: { hashes: { quickXorHash: `h-${id}` } },
    size: 3,
    eTag,
});

async function readBack(
    driveId: string,
    enumerationId: string,
): Promise<{ entries: RemoteEntry[]; orphans: string[]; listed: number }> {
    const listing = await readFullListing(services, driveId, enumerationId);
    const entries: RemoteEntry[] = [];
    for await (const page of listing.entries()) entries.push(...page);
    return { entries, orphans: listing.orphans.map((o) => o.id), listed: listing.listed };
}

describe('full delta listing from the page journal', () => {
    it('resolves paths and last occurrences like the in-memory resolution', async () => {
        const pages: DeltaItem[][] = [
            [
                { id: 'root', root: {}, folder: {} },
                file('child-first', 'docs', 'early.txt'),
                folder('docs', 'root', 'Docs'),
            ],
            [
                file('moved', 'docs', 'm.txt'),
                file('edited', 'root', 'e.txt', 'v1'),
                file('lost', 'nowhere', 'orphan.txt'),
                file('becomes-folder', 'root', 'x'),
            ],
            [
                folder('sub', 'docs', 'Sub'),
                file('moved', 'sub', 'm.txt'),
                file('edited', 'root', 'e.txt', 'v2'),
                folder('becomes-folder', 'root', 'x'),
                file('inside', 'becomes-folder', 'in.txt'),
            ],
            [{ id: 'gone', deleted: {} }],
        ];
        const driveId = `drv${uniqueSuffix()}`;
        for (const [i, page] of pages.entries()) await journalPage(services, driveId, 'enum1', i, page);
        const got = await readBack(driveId, 'enum1');
        // The reference: every item in memory, the last occurrence of an id kept (enumerateDelta's rule), in its last position.
        const last = new Map<string, DeltaItem>();
        for (const item of pages.flat()) {
            last.delete(item.id);
            last.set(item.id, item);
        }
        const reference = toRemoteEntries([...last.values()], []);
        expect(got.entries).toEqual(reference.entries);
        expect(got.orphans).toEqual(reference.orphans.map((o) => o.id));
        expect(got.listed).toBe(pages.flat().length);
        expect(got.entries.find((e) => e.id === 'moved')!.path).toBe('Docs/Sub/m.txt');
        expect(got.entries.find((e) => e.id === 'edited')!.eTag).toBe('v2');
        expect(got.entries.find((e) => e.id === 'inside')!.path).toBe('x/in.txt');
        expect(got.orphans).toEqual(['lost']);
        await dropJournal(services, driveId, 'enum1');
    });

    it('tracks last occurrences exactly across hash-table growth', () => {
        const occurrences = new LastOccurrences();
        const ids = Array.from({ length: 20_000 }, (_, i) => `item-${i % 15_000}`);
        ids.forEach((id, seq) => occurrences.see(id, seq));
        const lastSeq = new Map(ids.map((id, seq) => [id, seq]));
        const wrong = ids.filter((id, seq) => occurrences.isLast(id, seq) !== (lastSeq.get(id) === seq));
        expect(wrong).toEqual([]);
    });
});
