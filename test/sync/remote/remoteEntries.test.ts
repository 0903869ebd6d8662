import type { BaselineEntry } from '../../../lib/sync/plan/types';
import type { DeltaItem } from '../../../lib/sync/remote/deltaItem';
import { toRemoteEntries } from '../../../lib/sync/remote/remoteEntries';

const folderRow = (id: string, path: string): BaselineEntry => ({
    remoteId: id,
    platformPath: path,
    isFolder: true,
    remoteETag: `e-${id}`,
    remoteSize: 0,
    platformSize: 0,
});

describe('paths resolved from parent ids', () => {
    // Delta reports a renamed folder alone (graph-sync.md §1.3): a change further down names an
    // unchanged folder as its parent, and that folder now stands under the new name.
    it('place a change below a folder whose ancestor was renamed in the same delta under the new name', () => {
        const baseline = [folderRow('a', 'Reports'), folderRow('b', 'Reports/2024'), folderRow('c', 'Reports/2024/q1')];
        const items: DeltaItem[] = [
            { id: 'a', name: 'Archive', eTag: 'e-a2', folder: {}, parentReference: { id: 'root' } },
            { id: 'f', name: 'plan.txt', eTag: 'e-f', file: {}, parentReference: { id: 'c' } },
            { id: 'g', name: 'notes.txt', eTag: 'e-g', file: {}, parentReference: { id: 'b' } },
        ];
        const { entries, orphans } = toRemoteEntries(items, baseline, 'root');
        expect(orphans).toEqual([]);
        expect(entries.map((e) => e.path)).toEqual(['Archive', 'Archive/2024/q1/plan.txt', 'Archive/2024/notes.txt']);
    });

    it('leave a folder nobody renamed where the baseline has it', () => {
        const baseline = [folderRow('a', 'Reports'), folderRow('b', 'Reports/2024')];
        const items: DeltaItem[] = [{ id: 'f', name: 'plan.txt', eTag: 'e-f', file: {}, parentReference: { id: 'b' } }];
        expect(toRemoteEntries(items, baseline, 'root').entries.map((e) => e.path)).toEqual(['Reports/2024/plan.txt']);
    });
});
