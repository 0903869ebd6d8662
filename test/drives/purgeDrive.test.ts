import type { DriveRecord } from '../../lib/drives/driveRecord';
import { listTokenCachePartitions } from '../../lib/auth/tokenCache';
import { deleteDriveRecord } from '../../lib/drives/driveRepository';
import { listPendingPurges, recordPendingPurge } from '../../lib/drives/pendingPurges';
import { PURGE_GRACE_MS, purgeBudget, purgeRemovedDrives, type PurgeSummary } from '../../lib/drives/purgeDrive';
import { consoleLogger } from '../../lib/logging/consoleLogger';
import { raiseAlert } from '../../lib/alerts';
import type { Services } from '../../lib/runtime/services';
import type { DeleteBudget } from '../../lib/storage/partitions';
import { TABLES, tableKey, type TableKey } from '../../lib/storage/tables';
import type { TransferMessage } from '../../lib/sync/contracts';
import { runSync } from '../../lib/sync/engine';
import { acquireLease, LeaseLostError } from '../../lib/sync/engine/lease';
import { runTransfer } from '../../lib/transfer/runTransfer';
import type { ConnectedService } from '../support/connectedService';
import {
    describeRuns,
    isQuiet,
    PlatformSide,
    remoteTree,
    services,
    startScenarioService,
    syncMessage,
    syncUntilQuiet,
    treeDiff,
} from '../sync/scenarios/scenarioHarness';

/**
 * Removing a drive purges its sync state: later, from the maintenance timer, in bounded chunks that
 * resume where a cut-short or killed invocation stopped, without touching any other drive's state
 * or any file on either side. Drives are synced for real (local host, Azurite, the M365 simulator).
 */
let svc: ConnectedService;
let s: Services;

/**
 * Tables a removed drive may still appear in, by design: the audit trail, its alerts (resolved, kept
 * for the alerts' retention) and its connect tickets (they expire; maintenance deletes them).
 */
const KEPT: TableKey[] = ['audit', 'alerts', 'oauthStates'];

type Row = Record<string, unknown> & { partitionKey: string; rowKey: string; etag: string };

/** Every row of every table that names the drive (raw id or its table-key form): table/partition/row → ETag. */
async function rowsOf(driveId: string): Promise<Map<string, string>> {
    const needles = [driveId, tableKey(driveId)];
    const out = new Map<string, string>();
    for (const key of Object.keys(TABLES) as TableKey[]) {
        if (KEPT.includes(key)) continue;
        for await (const row of (await s.tables.get(key)).listEntities<Row>()) {
            const text = JSON.stringify(row);
            if (needles.some((n) => text.includes(n))) out.set(`${key}/${row.partitionKey}/${row.rowKey}`, row.etag);
        }
    }
    return out;
}

const storesOf = (rows: Map<string, string>): Set<string> => new Set([...rows.keys()].map((k) => k.split('/')[0]!));

async function connected(name: string, login: string, files: Record<string, string>): Promise<DriveRecord> {
    const { drive } = await svc.connectDrive({ name, kind: 'onedrive' }, login);
    for (const [path, content] of Object.entries(files)) svc.sim.graph.putFile(drive.graph!.driveId, path, content);
    await new PlatformSide(s, drive).put(`From platform ${name}.txt`, `platform ${name}`);
    const result = await syncUntilQuiet(drive);
    if (!isQuiet(result)) throw new Error(`not quiet:\n${describeRuns(result)}`);
    return drive;
}

async function remove(drive: DriveRecord): Promise<void> {
    const res = await svc.env.api('DELETE', `/api/drives/${drive.id}`);
    expect(res).toMatchObject({ status: 200, body: { driveId: drive.id, removed: true } });
}

/** A transfer message of the drive, as its journal row keeps it (for replay). */
async function aTransferMessage(driveId: string): Promise<TransferMessage> {
    for await (const row of (await s.tables.get('transfers')).listEntities<{ message?: string }>({
        queryOptions: { filter: `PartitionKey eq '${tableKey(driveId)}'` },
    }))
        if (row.message) return JSON.parse(row.message) as TransferMessage;
    throw new Error('no transfer message journaled');
}

const afterGrace = () => Date.now() + PURGE_GRACE_MS + 1000;

/** Runs the purge with `rows` per invocation until the drive is gone; returns every invocation's summary. */
async function purgeUntilGone(driveId: string, rows: number): Promise<PurgeSummary[]> {
    const runs: PurgeSummary[] = [];
    while (!runs.some((r) => r.purged.includes(driveId))) {
        if (runs.length > 200) throw new Error('the purge does not finish');
        runs.push(await purgeRemovedDrives(s, { now: afterGrace(), budget: purgeBudget({ rows }) }));
    }
    return runs;
}

beforeAll(async () => {
    svc = await startScenarioService();
    s = await services();
}, 120_000);

afterAll(async () => {
    await svc?.stop();
});

describe('removing a drive purges its sync state', () => {
    it('in chunks over several maintenance runs, leaving every other drive (even one on the same Graph drive) and every file alone', async () => {
        const { adele, megan } = svc.sim.demo.users;
        const removed = await connected('Adele', adele.userPrincipalName, {
            '/Docs/a.txt': 'a',
            '/Docs/b.txt': 'b',
            '/Docs/Deep/c.txt': 'c',
            '/d.txt': 'd',
        });
        const other = await connected('Megan', megan.userPrincipalName, { '/Mine/m.txt': 'm' });
        await raiseAlert(s, {
            key: `drive-health:default:${removed.id}:needs_reauth`,
            severity: 'critical',
            kind: 'drive_needs_reauth',
            title: 'Reconnect',
            message: 'The refresh token expired.',
            hint: 'Reconnect the drive.',
            subject: { type: 'drive', id: removed.id, name: removed.name },
        });
        const before = await rowsOf(removed.id);
        for (const store of ['baselines', 'syncState', 'syncRuns', 'syncOutcomes', 'transfers', 'changes'])
            expect(storesOf(before)).toContain(store);
        const message = await aTransferMessage(removed.id);
        const platform = new PlatformSide(s, removed);
        const platformFiles = await platform.tree();

        await remove(removed);
        // Nothing is purged inside the request, nor before the grace period.
        expect((await listPendingPurges(s)).map((p) => p.driveId)).toEqual([removed.id]);
        expect(await purgeRemovedDrives(s)).toMatchObject({ waiting: 1, purged: [], rowsDeleted: 0 });
        expect((await rowsOf(removed.id)).size).toBeGreaterThan(0);
        // The same OneDrive added again before the purge: a new drive, synced from scratch (a first sync).
        const again = await connected('Adele again', adele.userPrincipalName, {});
        expect(again.id).not.toBe(removed.id);
        expect(again.graph!.driveId).toBe(removed.graph!.driveId);
        const firstRun = (await svc.env.api('GET', `/api/drives/${again.id}/runs?limit=100`)).body as {
            value: { firstSync?: boolean }[];
        };
        expect(firstRun.value.at(-1)).toMatchObject({ firstSync: true });
        const othersRows = async () => [...(await rowsOf(other.id)).keys(), ...(await rowsOf(again.id)).keys()].sort();
        const untouched = await othersRows();
        const remoteFiles = remoteTree(svc, removed.graph!.driveId);

        const runs = await purgeUntilGone(removed.id, 25);
        expect(runs.length).toBeGreaterThan(3);
        for (const r of runs) expect(r.rowsDeleted).toBeLessThanOrEqual(25);
        expect(runs.reduce((n, r) => n + r.rowsDeleted, 0)).toBeGreaterThan(100);
        expect(await rowsOf(removed.id)).toEqual(new Map());
        expect(await listPendingPurges(s)).toEqual([]);
        // Every row of the other drives is still there.
        expect(await othersRows()).toEqual(untouched);
        // Its alerts are resolved; files stay on both sides.
        const alerts = (await svc.env.api('GET', '/api/manage/alerts?state=all')).body as {
            value: { subject: { id: string }; state: string; resolution?: string }[];
        };
        expect(alerts.value.filter((a) => a.subject.id === removed.id)).toEqual([
            expect.objectContaining({ state: 'resolved', resolution: 'The drive was removed.' }),
        ]);
        expect(treeDiff(platformFiles, await platform.tree())).toEqual([]);
        expect(treeDiff(remoteFiles, remoteTree(svc, removed.graph!.driveId))).toEqual([]);
        // Messages that outlived the drive write nothing back.
        expect(await runSync(s, syncMessage(removed, { runId: 'run_late' }))).toMatchObject({ outcome: 'ignored' });
        expect(await rowsOf(removed.id)).toEqual(new Map());
        const delivery = { messageId: 'late', dequeueCount: 1, invocationId: 'late' };
        expect(await runTransfer(s, message, delivery, consoleLogger)).toBe('noop');
        expect(await rowsOf(removed.id)).toEqual(new Map());
        // A second purge finds nothing to do.
        expect(await purgeRemovedDrives(s, { now: afterGrace() })).toMatchObject({ purged: [], rowsDeleted: 0 });
    }, 240_000);

    it('a purge killed midway resumes at the next invocation', async () => {
        const drive = await connected('Killed', svc.sim.demo.users.megan.userPrincipalName, { '/k.txt': 'k' });
        const before = await rowsOf(drive.id);
        await remove(drive);
        let chunks = 0;
        const dying: DeleteBudget = {
            left: () => 100,
            spend: () => {
                if (++chunks === 3) throw new Error('killed');
            },
        };
        await expect(purgeRemovedDrives(s, { now: afterGrace(), budget: dying })).rejects.toThrow('killed');
        const left = await rowsOf(drive.id);
        expect(left.size).toBeGreaterThan(0);
        expect(left.size).toBeLessThan(before.size);
        expect((await listPendingPurges(s)).map((p) => p.driveId)).toEqual([drive.id]);

        expect((await purgeRemovedDrives(s, { now: afterGrace() })).purged).toEqual([drive.id]);
        expect(await rowsOf(drive.id)).toEqual(new Map());
    }, 240_000);

    it('a sync running when its drive is removed loses its lease, and no run takes the drive again', async () => {
        const drive = await connected('Running', svc.sim.demo.users.adele.userPrincipalName, {});
        const taken = await acquireLease(s, drive.id, 'run_in_progress', 3_000); // renewed every second
        if (!('lease' in taken)) throw new Error(`held by ${taken.heldBy}`);
        taken.lease.assertHeld();
        await remove(drive);
        await new Promise((r) => setTimeout(r, 1_500));
        expect(() => taken.lease.assertHeld()).toThrow(LeaseLostError);
        await taken.lease.release();
        expect(await acquireLease(s, drive.id, 'run_next', 3_000)).toEqual({ heldBy: 'drive-removed' });
        await purgeUntilGone(drive.id, 1_000);
    }, 240_000);

    it("a removal killed after deleting the drive record is finished by the purge (the account's tokens go)", async () => {
        // The drives left by the tests above go first, so that no other drive uses Adele's account.
        for (const d of ((await svc.env.api('GET', '/api/drives')).body as { value: DriveRecord[] }).value)
            await remove(d);
        const drive = await connected('Cut short', svc.sim.demo.users.adele.userPrincipalName, {});
        const account = drive.account!.homeAccountId;
        // What removeDrive has done when it is killed right after deleting the drive record.
        await recordPendingPurge(s, {
            driveId: drive.id,
            integrationId: drive.integrationId,
            homeAccountId: account,
            removedAt: new Date().toISOString(),
        });
        await deleteDriveRecord(await s.tables.get('drives'), drive.integrationId, drive.id);
        expect(await accounts()).toContain(account);

        await purgeUntilGone(drive.id, 1_000);
        expect(await accounts()).not.toContain(account);
        expect(await rowsOf(drive.id)).toEqual(new Map());
    }, 240_000);
});

async function accounts(): Promise<string[]> {
    return (await listTokenCachePartitions(await s.tables.get('tokenCache'), 'default')).map((p) => p.homeAccountId);
}
