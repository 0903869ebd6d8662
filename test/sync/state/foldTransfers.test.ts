import type { TransferMessage, TransferRecord } from '../../../lib/sync/contracts';
import type { Services } from '../../../lib/runtime/services';
import { applyBaselineChanges, loadBaseline } from '../../../lib/sync/state/baselineStore';
import { foldTransfers, markFolded } from '../../../lib/sync/state/foldTransfers';
import {
    foldMarker,
    JournalRow,
    readJournalRow,
    recordOf,
    writeJournalRow,
} from '../../../lib/sync/state/transferJournal';
import { storageServices } from './storageServices';

function record(
    id: string,
    state: TransferRecord['state'],
    result?: Partial<NonNullable<TransferRecord['result']>>,
): TransferRecord {
    return {
        transferId: `run1.${id}`,
        driveId: 'drv_fold',
        runId: 'run1',
        actionId: id,
        direction: 'upload',
        platformPath: `docs/${id}.docx`,
        state,
        bytesDone: 100,
        bytesTotal: 100,
        attempts: 1,
        ...(result
            ? {
                  result: {
                      remoteId: `R-${id}`,
                      remoteETag: `"e-${id}"`,
                      remoteCTag: `"c-${id}"`,
                      remoteHash: 'server=',
                      remoteSize: 112,
                      platformETag: '"0x1"',
                      platformSize: 100,
                      platformHash: 'sent=',
                      enriched: true,
                      ...result,
                  },
              }
            : {}),
        updatedAt: '2026-01-01T00:00:00.000Z',
    };
}

describe('foldTransfers', () => {
    let services: Services;
    beforeAll(async () => (services = await storageServices()));

    it('folds succeeded transfers into the baseline with the server post-upload hash, once', async () => {
        const table = await services.tables.get('transfers');
        await applyBaselineChanges(services, 'drv_fold', {
            upsert: [
                {
                    remoteId: 'R-a1',
                    platformPath: 'old.docx',
                    isFolder: false,
                    remoteETag: '"old"',
                    remoteSize: 1,
                    platformSize: 1,
                },
            ],
            remove: [],
        });
        for (const r of [
            record('a1', 'succeeded', {}),
            record('a2', 'succeeded', { remoteId: 'R-a2' }),
            record('a3', 'failed'),
            record('a4', 'running'),
        ]) {
            await writeJournalRow(table, r);
        }
        expect(await foldTransfers(services, 'drv_fold')).toEqual({ folded: 2, replan: { remoteIds: [], uploads: 0 } });
        const rows = new Map((await loadBaseline(services, 'drv_fold')).map((r) => [r.remoteId, r]));
        expect(rows.get('R-a1')).toEqual({
            remoteId: 'R-a1',
            platformPath: 'docs/a1.docx',
            isFolder: false,
            remoteETag: '"e-a1"',
            remoteCTag: '"c-a1"',
            remoteHash: 'server=', // the enriched file's hash, not what was sent
            remoteSize: 112,
            platformETag: '"0x1"',
            platformSize: 100,
            platformHash: 'sent=',
        });
        expect(rows.has('R-a2')).toBe(true);
        expect(rows.size).toBe(2);
        const folded = recordOf((await readJournalRow(table, 'drv_fold', 'run1.a1')) as JournalRow);
        expect(folded).toMatchObject({ folded: true, state: 'succeeded', transferId: 'run1.a1' });
        // Idempotent: nothing left to fold.
        expect(await foldTransfers(services, 'drv_fold')).toEqual({ folded: 0, replan: { remoteIds: [], uploads: 0 } });
        expect(await loadBaseline(services, 'drv_fold')).toHaveLength(2);
    });

    it('a later success of the same item wins', async () => {
        const table = await services.tables.get('transfers');
        const first = {
            ...record('b1', 'succeeded', { remoteId: 'R-b', remoteETag: '"first"' }),
            updatedAt: '2026-01-01T00:00:00.000Z',
        };
        const second = {
            ...record('b2', 'succeeded', { remoteId: 'R-b', remoteETag: '"second"' }),
            updatedAt: '2026-01-02T00:00:00.000Z',
        };
        await writeJournalRow(table, second);
        await writeJournalRow(table, first);
        await foldTransfers(services, 'drv_fold');
        expect((await loadBaseline(services, 'drv_fold')).find((r) => r.remoteId === 'R-b')?.remoteETag).toBe(
            '"second"',
        );
    });

    it('reports skipped transfers for re-planning, once, and leaves the baseline alone', async () => {
        const table = await services.tables.get('transfers');
        const download = { ...record('c1', 'skipped'), driveId: 'drv_skip', direction: 'download' as const };
        const upload = { ...record('c2', 'skipped'), driveId: 'drv_skip', direction: 'upload' as const };
        const message = (r: TransferRecord, itemId?: string): TransferMessage => ({
            kind: 'transfer',
            transferId: r.transferId,
            integrationId: 'int',
            driveId: r.driveId,
            runId: r.runId,
            actionId: r.actionId,
            direction: r.direction,
            platformPath: r.platformPath,
            remote: { parentPath: 'docs', name: `${r.actionId}.docx`, ...(itemId ? { itemId } : {}) },
            expected: { size: 100 },
            conflictBehavior: 'fail',
        });
        await writeJournalRow(table, download, message(download, 'R-c1'));
        await writeJournalRow(table, upload, message(upload));
        expect(await foldTransfers(services, 'drv_skip')).toEqual({
            folded: 0,
            replan: { remoteIds: ['R-c1'], uploads: 1 },
        });
        expect(await loadBaseline(services, 'drv_skip')).toEqual([]);
        expect(await foldTransfers(services, 'drv_skip')).toEqual({ folded: 0, replan: { remoteIds: [], uploads: 0 } });
    });

    it('reads only the markers of finished transfers; a replayed transfer loses its marker and is not folded', async () => {
        const table = await services.tables.get('transfers');
        const drive = 'drv_marks';
        const at = (r: TransferRecord) => ({ ...r, driveId: drive });
        // Forty transfers folded long ago (no marker), one new success, one success replayed since (queued again).
        for (let i = 0; i < 40; i++)
            await writeJournalRow(table, {
                ...at(record(`old${i}`, 'succeeded', { remoteId: `R-old${i}` })),
                folded: true,
            });
        await writeJournalRow(table, at(record('new', 'succeeded', { remoteId: 'R-new' })));
        const replayed = at(record('again', 'succeeded', { remoteId: 'R-again' }));
        await writeJournalRow(table, replayed);
        await table.updateEntity(
            {
                partitionKey: drive,
                rowKey: 'run1.again',
                document: JSON.stringify({ ...replayed, state: 'queued', result: undefined }),
            },
            'Merge',
        );
        const markers = async () => {
            const keys: string[] = [];
            for await (const row of table.listEntities({
                queryOptions: { filter: `PartitionKey eq '${drive}' and RowKey ge '!' and RowKey lt '"'` },
            }))
                keys.push(row.rowKey as string);
            return keys;
        };
        expect(await markers()).toEqual(['!fold!run1.again', '!fold!run1.new']);
        expect(await foldTransfers(services, drive)).toEqual({ folded: 1, replan: { remoteIds: [], uploads: 0 } });
        expect((await loadBaseline(services, drive)).map((r) => r.remoteId)).toEqual(['R-new']);
        expect(await markers()).toEqual([]);
        expect(recordOf((await readJournalRow(table, drive, 'run1.again')) as JournalRow).state).toBe('queued');
    });

    it('a journal written before fold markers (a pendingFold column) is folded once after the upgrade', async () => {
        const table = await services.tables.get('transfers');
        const legacy = { ...record('legacy', 'succeeded', { remoteId: 'R-legacy' }), driveId: 'drv_legacy' };
        await table.createEntity({
            partitionKey: 'drv_legacy',
            rowKey: 'run1.legacy',
            document: JSON.stringify(legacy),
            pendingFold: true,
        });
        expect(await foldTransfers(services, 'drv_legacy')).toEqual({
            folded: 1,
            replan: { remoteIds: [], uploads: 0 },
        });
        expect((await loadBaseline(services, 'drv_legacy')).map((r) => r.remoteId)).toEqual(['R-legacy']);
        expect(await foldTransfers(services, 'drv_legacy')).toEqual({
            folded: 0,
            replan: { remoteIds: [], uploads: 0 },
        });
    });

    it("folds a run with many finished transfers by reading that run's rows as one range", async () => {
        const table = await services.tables.get('transfers');
        const drive = 'drv_many';
        for (let i = 0; i < 25; i++)
            await writeJournalRow(table, {
                ...record(`m${i}`, 'succeeded', { remoteId: `R-m${i}` }),
                driveId: drive,
                transferId: `run9.m${i}`,
            });
        // The same run's transfer still running, and another run's success: only the finished ones fold.
        await writeJournalRow(table, { ...record('busy', 'running'), driveId: drive, transferId: 'run9.busy' });
        await writeJournalRow(table, {
            ...record('other', 'succeeded', { remoteId: 'R-other' }),
            driveId: drive,
            transferId: 'run8.other',
        });
        expect(await foldTransfers(services, drive)).toEqual({ folded: 26, replan: { remoteIds: [], uploads: 0 } });
        expect(await loadBaseline(services, drive)).toHaveLength(26);
        expect(recordOf((await readJournalRow(table, drive, 'run9.m7')) as JournalRow)).toMatchObject({ folded: true });
        expect(await foldTransfers(services, drive)).toEqual({ folded: 0, replan: { remoteIds: [], uploads: 0 } });
    });
    it('retires fifty markers a transaction; a row changed since it was read keeps its marker, the others are retired', async () => {
        const table = await services.tables.get('transfers');
        const drive = 'drv_retire';
        const records = Array.from({ length: 120 }, (_, i) => ({
            ...record(`r${i}`, 'succeeded', { remoteId: `R-r${i}` }),
            driveId: drive,
            transferId: `run7.r${String(i).padStart(3, '0')}`,
        }));
        for (const r of records) await writeJournalRow(table, r);
        const folds = [];
        for (const r of records) {
            const row = (await readJournalRow(table, drive, r.transferId))!;
            folds.push({ row, record: r, marker: foldMarker(drive, r.transferId) });
        }
        // A replay rewrote one row after the fold read it (it is queued again): its update must fail.
        const changed = records[77]!;
        await table.updateEntity(
            {
                partitionKey: drive,
                rowKey: changed.transferId,
                document: JSON.stringify({ ...changed, state: 'queued', result: undefined }),
            },
            'Merge',
        );
        await markFolded(table, folds);
        const left: string[] = [];
        for await (const row of table.listEntities({
            queryOptions: { filter: `PartitionKey eq '${drive}' and RowKey ge '!' and RowKey lt '"'` },
        }))
            left.push(row.rowKey as string);
        expect(left).toEqual([`!fold!${changed.transferId}`]);
        expect(recordOf((await readJournalRow(table, drive, changed.transferId))!)).toMatchObject({ state: 'queued' });
        expect(recordOf((await readJournalRow(table, drive, records[76]!.transferId))!)).toMatchObject({
            folded: true,
        });
        expect(recordOf((await readJournalRow(table, drive, records[119]!.transferId))!)).toMatchObject({
            folded: true,
        });
    });
});
