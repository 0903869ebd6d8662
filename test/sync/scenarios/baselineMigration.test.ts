import type { DriveRecord } from '../../../lib/drives/driveRecord';
import type { BaselineEntry } from '../../../lib/sync/plan/types';
import { deletePartition } from '../../../lib/storage/partitions';
import { layoutOf, NEW_DRIVE_BUCKETS, readLayout } from '../../../lib/sync/state/baselineLayout';
import { loadBaseline } from '../../../lib/sync/state/baselineStore';
import type { ConnectedService } from '../../support/connectedService';
import { writeLegacyDrive } from '../state/legacyBaseline';
import {
    describeRuns,
    isQuiet,
    PlatformSide,
    remoteTree,
    services,
    startScenarioService,
    syncUntilQuiet,
    treeDiff,
} from './scenarioHarness';

/**
 * A drive whose baseline was stored before the bucketed layout (one Table partition,
 * state/baselineLayout.ts) syncs on: its next run moves the rows into buckets (baselineMigration.ts)
 * and plans the edits of both sides as before; nothing is lost or re-transferred.
 */
let svc: ConnectedService;
let drive: DriveRecord;
let platform: PlatformSide;
let gid: string;

async function quiet(trigger: 'timer' | 'manual') {
    const result = await syncUntilQuiet(drive, { trigger });
    if (!isQuiet(result)) throw new Error(`The drive did not get quiet:\n${describeRuns(result)}`);
    const diff = treeDiff(remoteTree(svc, gid), await platform.tree());
    if (diff.length) throw new Error(`Sides differ:\n${diff.join('\n')}\n${describeRuns(result)}`);
    return result;
}

const byId = (a: BaselineEntry, b: BaselineEntry) => a.remoteId.localeCompare(b.remoteId);

beforeAll(async () => {
    svc = await startScenarioService();
    drive = (
        await svc.connectDrive({ name: 'Older OneDrive', kind: 'onedrive' }, svc.sim.demo.users.megan.userPrincipalName)
    ).drive;
    gid = drive.graph!.driveId;
    platform = new PlatformSide(await services(), drive);
}, 120_000);

afterAll(async () => {
    await svc?.stop();
});

describe('a drive stored in the single-partition layout', () => {
    it('moves into buckets at its next run and keeps syncing both sides', async () => {
        const s = await services();
        for (let i = 0; i < 6; i++) await platform.put(`Old/d${i % 2}/f${i}.txt`, `file ${i}`);
        await quiet('manual');
        const rows = await loadBaseline(s, drive.id);
        expect(rows.length).toBeGreaterThan(8);

        // Stored as the service did before: every row in the drive's partition, a meta row without buckets.
        const table = await s.tables.get('baselines');
        for (const partition of layoutOf(drive.id, NEW_DRIVE_BUCKETS).partitions)
            await deletePartition(table, partition);
        await writeLegacyDrive(table, drive.id, rows, { index: true, meta: true });
        expect((await readLayout(s, drive.id)).layout.buckets).toBe(1);

        svc.sim.graph.putFile(gid, '/Old/d0/f0.txt', 'edited in SharePoint');
        await platform.put('Old/d1/f1.txt', 'edited on the platform');
        const result = await quiet('manual');
        expect(result.runs[0]).toMatchObject({ counts: { download: 1, upload: 1 } });
        expect(result.runs[0]!.baselineEntries).toBe(rows.length);

        const { layout, meta } = await readLayout(s, drive.id);
        expect(layout.buckets).toBe(NEW_DRIVE_BUCKETS);
        expect(meta).toMatchObject({ count: rows.length, legacyRowsLeft: false });
        const after = await loadBaseline(s, drive.id);
        expect(after.map((e) => e.remoteId).sort()).toEqual(rows.map((e) => e.remoteId).sort());
        expect(after.sort(byId).find((e) => e.platformPath === 'Old/d0/f0.txt')?.remoteETag).not.toBe(
            rows.find((e) => e.platformPath === 'Old/d0/f0.txt')?.remoteETag,
        );
        // Only the meta row and the Graph binding stay in the drive's own partition.
        const home: string[] = [];
        for await (const r of table.listEntities<{ rowKey: string }>({
            queryOptions: { filter: `PartitionKey eq '${drive.id}'` },
        }))
            home.push(r.rowKey);
        expect(home.sort()).toEqual(['$graph', '$meta']);
    });
});
