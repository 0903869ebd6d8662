import type { AlertRecord } from '../../lib/alerts';
import { runSync, scheduleDueDrives } from '../../lib/sync/engine';
import { newRunId } from '../../lib/sync/runs';
import {
    alertsOf,
    CLIENT_SECRET_NAME,
    firstSync,
    newInstance,
    platformFiles,
    poll,
    remoteFiles,
    runFinished,
    runsOf,
    scheduleOf,
    startFaultService,
    syncNow,
    syncQueueDepth,
    type FaultService,
} from './dependencyHarness';

/**
 * Issue 20, scripted: the integration's client secret is gone from Key Vault (deleted and purged in a
 * real vault; what a restart of `npm start` did to the old in-memory double), then the service starts
 * again. Before: every run failed with internal_error "retryable", re-run every ~5.5 s without end, no
 * alert, drives "connected", GET ?refresh=true answered 500, hints pointing nowhere. Now: one failed
 * run with credential_missing, no loop, the drive credential_unavailable with the cause, one alert, a
 * hint that names the fix, and sync resuming by itself once the secret is entered again.
 */
let svc: FaultService;

beforeAll(async () => {
    svc = await startFaultService();
    await firstSync(svc);
}, 180_000);

afterAll(async () => {
    await svc?.stop();
});

const SITE_HINT = '/api/manage/integration/status';

it('fails one run with credential_missing, loops never, marks the drive, raises one alert, and resumes after the secret is re-entered', async () => {
    const before = await runsOf(svc);
    await svc.admin.beginDeleteSecret(CLIENT_SECRET_NAME).then((p) => p.pollUntilDone());
    await svc.admin.purgeDeletedSecret(CLIENT_SECRET_NAME);
    newInstance();
    svc.sim.graph.putFile(svc.drive.graph!.driveId, '/Documents/while-the-secret-was-gone.txt', 'written meanwhile\n');

    // One failed run, with the specific code and a hint that names the fix.
    const failed = await runFinished(svc, await syncNow(svc));
    expect(failed).toMatchObject({ status: 'failed', error: { code: 'credential_missing', retryable: false } });
    expect(failed.error!.hint).toContain('PUT /api/manage/integration');
    expect(failed.error!.hint).toContain('recover');
    expect(failed.error!.message).toContain(CLIENT_SECRET_NAME);

    // No loop: no retry waits in the queue (delayed messages count), none is marked queued, and the
    // scheduler waits for the fix instead of running syncs that can only fail.
    await poll('the sync queue to be empty', async () => ((await syncQueueDepth(svc)) === 0 ? true : undefined));
    expect((await scheduleOf(svc))?.queued).toBeUndefined();
    for (let tick = 0; tick < 3; tick++) await svc.env.host.fireTimer('syncScheduler');
    const scheduled = await scheduleDueDrives(await svc.services(), Date.now() + 20 * 60_000);
    expect(scheduled).toMatchObject({ enqueued: [], waitingFor: { code: 'credential_missing' } });
    expect(await syncQueueDepth(svc)).toBe(0);
    const during = await runsOf(svc);
    expect(during.length).toBe(before.length + 1);
    expect(during.filter((r) => r.status === 'failed')).toHaveLength(1);

    // The drive says so, live checks included (never a 500).
    const shown = await svc.env.api('GET', `/api/drives/${svc.drive.id}`);
    expect(shown.body).toMatchObject({
        status: 'credential_unavailable',
        statusCause: { code: 'credential_missing', hint: expect.stringContaining('PUT /api/manage/integration') },
    });
    const refreshed = await svc.env.api('GET', `/api/drives/${svc.drive.id}?refresh=true`);
    expect(refreshed.status).toBe(200);
    expect(refreshed.body).toMatchObject({
        status: 'credential_unavailable',
        statusCause: { code: 'credential_missing' },
    });
    const manual = await svc.env.api('POST', `/api/drives/${svc.drive.id}/sync`);
    expect(manual.status).toBe(409);
    expect((manual.body as { error: { hint: string } }).error.hint).toContain('PUT /api/manage/integration');

    // The integration says so, and the status page's hints name the fix, never the page itself.
    const integration = await svc.env.api('GET', '/api/manage/integration');
    expect(integration.body).toMatchObject({ fault: { code: 'credential_missing' } });
    const status = await svc.env.api('GET', '/api/manage/integration/status?refresh=true');
    const checkpoints = (status.body as { checkpoints: { id: string; status: string; code?: string; hint?: string }[] })
        .checkpoints;
    expect(checkpoints.find((c) => c.id === 'client_secret')).toMatchObject({
        status: 'fail',
        code: 'credential_missing',
    });
    expect(checkpoints.find((c) => c.id === 'key_vault')).toMatchObject({ status: 'fail', code: 'credential_missing' });
    expect(checkpoints.find((c) => c.id === 'drives')).toMatchObject({ status: 'fail', code: 'credential_missing' });
    for (const c of checkpoints) expect(c.hint ?? '').not.toContain(SITE_HINT);

    // One alert, with the same hint.
    const open = await alertsOf(svc);
    expect(open).toHaveLength(1);
    expect(open[0]).toMatchObject({
        kind: 'dependency_configuration',
        severity: 'critical',
        subject: { type: 'integration', id: svc.drive.integrationId },
        hint: expect.stringContaining('PUT /api/manage/integration'),
    });

    // The fix the hint names: the same secret entered again. Sync resumes without anyone pressing it.
    const put = await svc.configure();
    expect(put.status).toBe(200);
    expect(put.body).toMatchObject({ changed: ['clientSecret'] });
    expect((put.body as { fault?: unknown }).fault).toBeUndefined();
    const resumed = await poll('a run after the fix', async () =>
        (await runsOf(svc)).find((r) => r.trigger === 'retry' && ['succeeded', 'failed'].includes(r.status)),
    );
    expect(resumed.status).toBe('succeeded');
    await poll('the file written meanwhile', async () =>
        (await platformFiles(svc)).includes('Documents/while-the-secret-was-gone.txt') ? true : undefined,
    );
    expect(await platformFiles(svc)).toEqual(remoteFiles(svc));
    expect((await svc.env.api('GET', `/api/drives/${svc.drive.id}`)).body).toMatchObject({ status: 'connected' });
    expect(await alertsOf(svc)).toEqual([]);
    const resolved = (await alertsOf(svc, 'resolved')).filter((a: AlertRecord) => a.id === open[0]!.id);
    expect(resolved).toHaveLength(1);
    expect((await runsOf(svc)).filter((r) => r.status === 'failed')).toHaveLength(1);
}, 180_000);

it('recovers without a human when the secret is recovered in Key Vault, checking with growing intervals until then', async () => {
    await svc.admin.beginDeleteSecret(CLIENT_SECRET_NAME).then((p) => p.pollUntilDone());
    newInstance();
    const failed = await runFinished(svc, await syncNow(svc));
    expect(failed.error).toMatchObject({ code: 'credential_missing' });
    expect(failed.error!.hint).toContain(`az keyvault secret recover`);
    // A change notification meanwhile is not run against a drive that waits: its record says why.
    const notified = await runSync(await svc.services(), {
        kind: 'sync',
        integrationId: svc.drive.integrationId,
        driveId: svc.drive.id,
        trigger: 'webhook',
        runId: newRunId(),
        requestedAt: new Date().toISOString(),
    });
    expect(notified).toMatchObject({
        outcome: 'ignored',
        run: { error: { code: 'drive_not_ready', hint: expect.stringContaining('az keyvault secret recover') } },
    });

    // The scheduler checks the cause at 1, 2, 4… minutes (at most an hour), not every tick.
    const s = await svc.services();
    const waits: number[] = [];
    let now = Date.now();
    for (let i = 0; i < 4; i++) {
        const fault = (await svc.env.api('GET', '/api/manage/integration')).body as { fault: { nextCheckAt: string } };
        now = Date.parse(fault.fault.nextCheckAt) + 1000;
        const result = await scheduleDueDrives(s, now);
        expect(result).toMatchObject({ enqueued: [], waitingFor: { code: 'credential_missing' } });
        waits.push(Date.parse(result.waitingFor!.nextCheckAt) - now);
    }
    expect(waits.map((ms) => Math.round(ms / 60_000))).toEqual([2, 4, 8, 16]);
    expect(await alertsOf(svc)).toHaveLength(1);

    // The admin recovers the deleted secret in Key Vault; the next check finds it and every drive resumes.
    await svc.admin.beginRecoverDeletedSecret(CLIENT_SECRET_NAME).then((p) => p.pollUntilDone());
    const recovered = await scheduleDueDrives(s, now + 60 * 60_000);
    expect(recovered.enqueued).toEqual([svc.drive.id]);
    const resumed = await poll('the run the recovery started', async () =>
        (await runsOf(svc)).find(
            (r) => r.trigger === 'retry' && r.queuedAt > failed.queuedAt && r.status === 'succeeded',
        ),
    );
    expect(resumed).toBeDefined();
    expect((await svc.env.api('GET', `/api/drives/${svc.drive.id}`)).body).toMatchObject({ status: 'connected' });
    expect(await alertsOf(svc)).toEqual([]);
}, 180_000);
