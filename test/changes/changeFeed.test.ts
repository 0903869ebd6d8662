import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { DriveRecord } from '../../lib/drives/driveRecord';
import { webhookSigningKey } from '../../lib/alerts/webhookSigningKey';
import { verifySignature } from '../../lib/alerts/webhookDelivery';
import { deliverChanges, purgeChangeFeeds, type FeedEvent, type FeedPage } from '../../lib/changes';
import { appendChanges, readAfter } from '../../lib/changes/changeLog';
import type { CloudEvent } from '../../lib/changes/cloudEvents';
import type { Logger } from '../../lib/logging/logger';
import type { ConnectedService } from '../support/connectedService';
import {
    describeRuns,
    isQuiet,
    PlatformSide,
    services,
    startScenarioService,
    syncUntilQuiet,
    transferLog,
} from '../sync/scenarios/scenarioHarness';

/**
 * Issue 21 part 5, end to end: the real sync engine and transfer handler on Adele's OneDrive of the
 * simulator, Azurite, the change-feed route through the local host (API_CONTRACT=enforce checks every
 * answer against openapi.json), and the webhook against a local HTTP receiver standing in for the
 * platform, down for a while and then up.
 */
let svc: ConnectedService;
let drive: DriveRecord;
let gid: string;
const platformReceiver = startReceiver();
const silent: Logger = { info: () => undefined, warn: () => undefined, error: () => undefined };
const fastRetry = { attempts: 2, delaysMs: [20], timeoutMs: 2_000 };

beforeAll(async () => {
    const receiver = await platformReceiver;
    svc = await startScenarioService(undefined, {
        settings: { PLATFORM_WEBHOOK_URL: receiver.url },
        // The test delivers itself (deliverChanges is the timer's body), so it knows when.
        without: ['changeDelivery', 'maintenance'],
    });
    drive = (
        await svc.connectDrive({ name: 'Feed OneDrive', kind: 'onedrive' }, svc.sim.demo.users.adele.userPrincipalName)
    ).drive;
    gid = drive.graph!.driveId;
}, 120_000);

afterAll(async () => {
    await svc?.stop();
    (await platformReceiver).server.close();
});

async function quiet(): Promise<void> {
    const result = await syncUntilQuiet(drive);
    if (!isQuiet(result)) throw new Error(`Not quiet:\n${describeRuns(result)}\n${transferLog.slice(-10).join('\n')}`);
}

async function page(cursor: string | undefined, limit: number): Promise<FeedPage> {
    const q = new URLSearchParams({ limit: String(limit), ...(cursor !== undefined ? { cursor } : {}) });
    const res = await svc.env.api('GET', `/api/drives/${drive.id}/changes?${q}`);
    if (res.status !== 200) throw new Error(`GET changes answered ${res.status}: ${res.text}`);
    return res.body as FeedPage;
}

/** Reads pages of `limit` from `cursor` until hasMore is false; returns the events and the cursor to resume from. */
async function readAll(cursor: string | undefined, limit = 40): Promise<{ events: FeedEvent[]; cursor: string }> {
    const events: FeedEvent[] = [];
    for (;;) {
        const p = await page(cursor, limit);
        events.push(...p.value);
        cursor = p.cursor;
        if (!p.hasMore) return { events, cursor };
        expect(p.value).toHaveLength(limit);
    }
}

describe('the change feed across two syncs', () => {
    it('lists what each sync changed in the platform store, in order, from a cursor; a replayed page is the same', async () => {
        const receiver = await platformReceiver;
        receiver.mode = 'down';
        const platform = new PlatformSide(await services(), drive);

        // Sync 1: the drive's demo content comes down, plus a folder with two files for later.
        svc.sim.graph.putFile(gid, '/Feed/keep.txt', 'keep v1');
        svc.sim.graph.putFile(gid, '/Feed/rename-me.txt', 'rename me');
        svc.sim.graph.putFile(gid, '/Feed/delete-me.txt', 'delete me');
        await quiet();
        const first = await readAll(undefined);
        const files = [...(await platform.tree())].filter(([, v]) => v !== 'folder').map(([p]) => p);
        expect(first.events.length).toBeGreaterThanOrEqual(files.length);
        expect(
            first.events
                .filter((e) => !e.isFolder)
                .map((e) => `${e.type} ${e.path}`)
                .sort(),
        ).toEqual(files.map((p) => `created ${p}`).sort());
        expectContiguous(first.events, 0);
        // An event's own cursor resumes right after it.
        const resumeAt = first.events[first.events.length - 3]!;
        expect((await page(resumeAt.cursor, 10)).value.map((e) => e.id)).toEqual(
            first.events.slice(-2).map((e) => e.id),
        );

        // Sync 2: an edit, a rename, a delete and a new file on SharePoint.
        svc.sim.graph.putFile(gid, '/Feed/keep.txt', 'keep v2');
        svc.sim.graph.rename(gid, '/Feed/rename-me.txt', 'renamed.txt');
        svc.sim.graph.remove(gid, '/Feed/delete-me.txt');
        svc.sim.graph.putFile(gid, '/Feed/new.txt', 'new');
        await quiet();
        const second = await readAll(first.cursor, 2);
        expect(
            second.events.map((e) => `${e.type} ${e.path}${e.previousPath ? ` from ${e.previousPath}` : ''}`).sort(),
        ).toEqual(
            [
                'created Feed/new.txt',
                'deleted Feed/delete-me.txt',
                'moved Feed/renamed.txt from Feed/rename-me.txt',
                'updated Feed/keep.txt',
            ].sort(),
        );
        expectContiguous(second.events, Number(first.cursor));
        const deleted = second.events.find((e) => e.type === 'deleted')!;
        expect(deleted.trashPath).toMatch(new RegExp(`^\\.trash/${drive.id}/.+/Feed/delete-me\\.txt$`));
        const updated = second.events.find((e) => e.type === 'updated')!;
        expect(updated).toMatchObject({ size: 'keep v2'.length, transferId: expect.any(String) });

        // Replaying a page gives the same events; the cursor moves only with what was returned.
        expect(await page(first.cursor, 2)).toEqual(await page(first.cursor, 2));
        expect((await page(first.cursor, 2)).value).toEqual(second.events.slice(0, 2));
        expect(await page(second.cursor, 10)).toMatchObject({ value: [], cursor: second.cursor, hasMore: false });
    }, 180_000);

    it('records a conflict: the losing version kept beside as a conflict copy', async () => {
        const platform = new PlatformSide(await services(), drive);
        const before = (await page(undefined, 1000)).cursor;
        await platform.put('Feed/keep.txt', 'platform v3');
        svc.sim.graph.putFile(gid, '/Feed/keep.txt', 'remote v3, longer');
        await quiet();
        const { events } = await readAll(before);
        const copies = events.filter((e) => e.type === 'conflict_copy');
        expect(copies).toHaveLength(1);
        expect(copies[0]).toMatchObject({ previousPath: 'Feed/keep.txt', isFolder: false });
        expect(copies[0]!.path).toMatch(/^Feed\/keep.+\.txt$/);
        expect(await platform.exists(copies[0]!.path)).toBe(true);
        expectContiguous(events, Number(before));
    }, 120_000);

    it('pushes the same events as signed CloudEvents batches: nothing lost while the platform is down, duplicates only with the same id', async () => {
        const receiver = await platformReceiver;
        const s = await services();
        const all = await readAll(undefined, 1000);

        // The platform is down: every round fails, nothing is acknowledged, the cursor stays.
        receiver.mode = 'down';
        for (let i = 0; i < 2; i++) {
            const summary = await deliverChanges(s, { log: silent, retry: fastRetry, ignoreBackoff: true });
            expect(summary).toMatchObject({ delivered: 0, failed: 1 });
        }
        expect(receiver.accepted).toHaveLength(0);
        expect(receiver.refused).toBeGreaterThanOrEqual(4);
        // Backoff: without ignoreBackoff, the next round waits.
        expect(await deliverChanges(s, { log: silent, retry: fastRetry })).toMatchObject({ delivered: 0, failed: 0 });

        // It comes back, but the answer to its first batch is lost (it processed the batch, answered 500).
        receiver.mode = 'lose-first-answer';
        const firstRound = await deliverChanges(s, { log: silent, retry: fastRetry, ignoreBackoff: true });
        expect(firstRound.failed).toBe(0);
        expect(firstRound.delivered).toBe(all.events.length);
        expect(await deliverChanges(s, { log: silent, retry: fastRetry, ignoreBackoff: true })).toMatchObject({
            delivered: 0,
        });

        const key = await webhookSigningKey(s.secrets);
        const received: CloudEvent[] = [];
        for (const r of receiver.accepted) {
            expect(r.headers['content-type']).toBe('application/cloudevents-batch+json; charset=utf-8');
            expect(verifySignature(r.headers['x-signature'] as string, r.body, key)).toBe(true);
            const batch = JSON.parse(r.body) as CloudEvent[];
            expect(batch.map((e) => Number(e.sequence))).toEqual(
                [...batch.map((e) => Number(e.sequence))].sort((a, b) => a - b),
            );
            received.push(...batch);
        }
        // Nothing lost: every event of the feed arrived, in feed order once duplicates are dropped by id.
        const firstSeen = new Map<string, CloudEvent>();
        for (const e of received) if (!firstSeen.has(e.id)) firstSeen.set(e.id, e);
        expect([...firstSeen.keys()]).toEqual(all.events.map((e) => e.id));
        // At least once: the batch whose answer was lost came again, byte for byte the same events.
        expect(received.length).toBeGreaterThan(all.events.length);
        for (const e of received) expect(e).toEqual(firstSeen.get(e.id));
        for (const e of firstSeen.values()) {
            const f = all.events.find((x) => x.id === e.id)!;
            expect(e).toMatchObject({
                specversion: '1.0',
                type: `com.contoso.sharepointsync.change.${f.type}`,
                subject: f.path,
                time: f.recordedAt,
                driveid: drive.id,
                data: { path: f.path, sequence: f.sequence },
            });
            expect(e.source).toMatch(new RegExp(`/api/drives/${drive.id}/changes$`));
        }
    }, 120_000);
});

describe('the feed under at-least-once writers', () => {
    it('keeps one event per id and gives concurrent writers contiguous positions', async () => {
        const table = await (await services()).tables.get('changes');
        const feed = 'drv_feedunit';
        const draft = (i: number) => ({
            id: `chg_unit_${i}`,
            type: 'created' as const,
            path: `unit/${i}.txt`,
            isFolder: false,
            runId: 'run_unit',
        });
        // 12 writers at once (transfers of one drive land concurrently), each appending 3 events, one a duplicate.
        await Promise.all(
            Array.from({ length: 12 }, (_, w) =>
                appendChanges(table, feed, [draft(w * 2), draft(w * 2 + 1), draft(w * 2)]),
            ),
        );
        // Redelivered handlers append the same ids again: nothing new.
        expect(await appendChanges(table, feed, [draft(0), draft(5), draft(23)])).toEqual([]);
        const events = await readAfter(table, feed, 0, 1000);
        expect(events.map((e) => e.sequence)).toEqual(Array.from({ length: 24 }, (_, i) => i + 1));
        expect(new Set(events.map((e) => e.id)).size).toBe(24);
    }, 60_000);

    it('answers 410 cursor_expired once retention removed changes after the cursor', async () => {
        const s = await services();
        const retention = s.config.changeFeed.retentionDays;
        const oldCursor = '1';
        expect((await page(oldCursor, 1)).value).toHaveLength(1);
        await purgeChangeFeeds(s, new Date(Date.now() + (retention + 1) * 86_400_000));
        const res = await svc.env.api('GET', `/api/drives/${drive.id}/changes?cursor=${oldCursor}`);
        expect(res.status).toBe(410);
        expect((res.body as { error: { code: string; hint: string } }).error).toMatchObject({
            code: 'cursor_expired',
            hint: expect.stringContaining('without a cursor'),
        });
        // Without a cursor the feed starts after what was removed.
        expect(await page(undefined, 10)).toMatchObject({ value: [], hasMore: false });
    }, 60_000);
});

function expectContiguous(events: FeedEvent[], after: number): void {
    expect(events.map((e) => e.sequence)).toEqual(events.map((_, i) => after + i + 1));
    expect(events.map((e) => e.cursor)).toEqual(events.map((e) => String(e.sequence)));
}

interface Receiver {
    url: string;
    server: Server;
    mode: 'down' | 'up' | 'lose-first-answer';
    accepted: { headers: Record<string, string | string[] | undefined>; body: string }[];
    refused: number;
}

/** The platform: answers 503 while down; 'lose-first-answer' processes the first batch but answers 500. */
async function startReceiver(): Promise<Receiver> {
    const receiver = { mode: 'down', accepted: [], refused: 0 } as unknown as Receiver;
    receiver.server = createServer((req, res) => {
        const chunks: Buffer[] = [];
        req.on('data', (c: Buffer) => chunks.push(c));
        req.on('end', () => {
            if (receiver.mode === 'down') {
                receiver.refused++;
                res.writeHead(503).end();
                return;
            }
            receiver.accepted.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
            if (receiver.mode === 'lose-first-answer') {
                receiver.mode = 'up';
                res.writeHead(500).end();
                return;
            }
            res.writeHead(204).end();
        });
    });
    await new Promise<void>((resolve) => receiver.server.listen(0, '127.0.0.1', resolve));
    receiver.url = `http://127.0.0.1:${(receiver.server.address() as AddressInfo).port}/platform/hooks`;
    return receiver;
}
