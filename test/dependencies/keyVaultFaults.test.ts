import { scheduleDueDrives } from '../../lib/sync/engine';
import { configureRunRetryForTests } from '../../lib/sync/engine/schedule';
import {
    alertsOf,
    CLIENT_SECRET_NAME,
    firstSync,
    newInstance,
    poll,
    runFinished,
    runsOf,
    startFaultService,
    syncNow,
    syncQueueDepth,
    type FaultService,
} from './dependencyHarness';

/**
 * Key Vault faults other than a missing secret, through the Key Vault double's switches: the app's
 * role removed (403 ForbiddenByRbac), the credential's version disabled (403 SecretDisabled), the vault
 * unreachable. Each is classified once, shown on the drive and the integration with a hint that names
 * the fix, raises one alert, and clears by itself once the cause is gone.
 */
let svc: FaultService;

beforeAll(async () => {
    svc = await startFaultService();
    await firstSync(svc);
}, 180_000);

afterAll(async () => {
    await svc?.stop();
});

afterEach(() => svc.env.vault.faults.clear());

it('403 ForbiddenByRbac: key_vault_forbidden names the role, the identity and the vault; a live check after the role is back reconnects every drive', async () => {
    svc.env.vault.faults.denyAccess({ principalObjectId: '0f0e0d0c-0b0a-4909-8807-060504030201' });
    newInstance();
    const failed = await runFinished(svc, await syncNow(svc));
    expect(failed).toMatchObject({ status: 'failed', error: { code: 'key_vault_forbidden', retryable: false } });
    expect(failed.error!.hint).toContain('"Key Vault Secrets Officer"');
    expect(failed.error!.hint).toContain('0f0e0d0c-0b0a-4909-8807-060504030201');
    expect(failed.error!.hint).toContain('/vaults/kv-local-double');

    const drive = await svc.env.api('GET', `/api/drives/${svc.drive.id}?refresh=true`);
    expect(drive.status).toBe(200);
    expect(drive.body).toMatchObject({
        status: 'credential_unavailable',
        statusCause: { code: 'key_vault_forbidden' },
    });
    const open = await alertsOf(svc);
    expect(open).toEqual([expect.objectContaining({ kind: 'dependency_configuration' })]);
    expect(open[0]!.hint).toContain('Key Vault Secrets Officer');
    expect(await syncQueueDepth(svc)).toBe(0);

    // The role is granted again: the next live check gets through and clears the fault for every drive.
    svc.env.vault.faults.clear();
    const back = await svc.env.api('GET', `/api/drives/${svc.drive.id}?refresh=true`);
    expect(back.body).toMatchObject({ status: 'connected' });
    expect((await svc.env.api('GET', '/api/manage/integration')).body).not.toHaveProperty('fault');
    const resumed = await poll('the run the recovery started', async () =>
        (await runsOf(svc)).find(
            (r) =>
                r.trigger === 'retry' &&
                r.queuedAt > failed.queuedAt &&
                r.status !== 'queued' &&
                r.status !== 'running',
        ),
    );
    expect(resumed.status).toBe('succeeded');
    expect(await alertsOf(svc)).toEqual([]);
}, 120_000);

it('403 SecretDisabled: credential_disabled; enabling the version in Key Vault is found by the scheduler', async () => {
    const integration = (await svc.env.api('GET', '/api/manage/integration')).body as {
        clientSecret: { version: string };
    };
    const version = integration.clientSecret.version;
    await svc.admin.updateSecretProperties(CLIENT_SECRET_NAME, version, { enabled: false });
    newInstance();
    const failed = await runFinished(svc, await syncNow(svc));
    expect(failed.error).toMatchObject({ code: 'credential_disabled', retryable: false });
    expect(failed.error!.hint).toContain(`--version ${version} --enabled true`);
    expect((await svc.env.api('GET', `/api/drives/${svc.drive.id}`)).body).toMatchObject({
        status: 'credential_unavailable',
        statusCause: { code: 'credential_disabled' },
    });
    expect(await alertsOf(svc)).toHaveLength(1);

    await svc.admin.updateSecretProperties(CLIENT_SECRET_NAME, version, { enabled: true });
    const recovered = await scheduleDueDrives(await svc.services(), Date.now() + 5 * 60_000);
    expect(recovered.enqueued).toEqual([svc.drive.id]);
    await poll('the run the recovery started', async () =>
        (await runsOf(svc)).find(
            (r) => r.trigger === 'retry' && r.queuedAt > failed.queuedAt && r.status === 'succeeded',
        ),
    );
    expect(await alertsOf(svc)).toEqual([]);
}, 120_000);

it('an unreachable vault is transient: a 503 with Retry-After on routes, bounded retries with backoff, one alert, recovery by itself', async () => {
    const restore = configureRunRetryForTests({ firstDelaySeconds: 1, maxFailures: 3 });
    try {
        svc.env.vault.faults.disconnect();
        newInstance();
        const refreshed = await svc.env.api('GET', `/api/drives/${svc.drive.id}?refresh=true`);
        expect(refreshed.status).toBe(503);
        expect(refreshed.headers.get('retry-after')).toMatch(/^\d+$/);
        expect(refreshed.body).toMatchObject({
            error: { code: 'key_vault_unreachable', hint: expect.stringContaining('KEY_VAULT_URL') },
        });
        // A transient fault does not change the drive's state.
        expect((await svc.env.api('GET', `/api/drives/${svc.drive.id}`)).body).toMatchObject({ status: 'connected' });

        const firstRun = await syncNow(svc);
        // Three runs in a row fail (the first and two retries 1 s then 2 s later), then the retries stop.
        const failures = await poll(
            'the retries to run out',
            async () => {
                const failed = (await runsOf(svc)).filter(
                    (r) => r.status === 'failed' && r.error?.code === 'key_vault_unreachable',
                );
                return failed.length >= 3 && (await syncQueueDepth(svc)) === 0 ? failed : undefined;
            },
            90_000,
        );
        expect(failures).toHaveLength(3);
        expect(failures.map((r) => r.trigger).sort()).toEqual(['manual', 'retry', 'retry']);
        expect(failures.find((r) => r.runId === firstRun)?.error?.retryable).toBe(true);
        const alert = (await alertsOf(svc)).filter((a) => a.kind === 'dependency_unavailable');
        expect(alert).toHaveLength(1);
        expect(alert[0]!.message).toContain('3 runs');

        // The vault answers again: the next scheduled run succeeds and resolves the alert.
        svc.env.vault.faults.clear();
        const scheduled = await scheduleDueDrives(await svc.services(), Date.now() + 60 * 60_000);
        expect(scheduled.enqueued).toEqual([svc.drive.id]);
        const ok = await poll('the scheduled run', async () =>
            (await runsOf(svc)).find((r) => r.trigger === 'timer' && r.status === 'succeeded'),
        );
        expect(ok).toBeDefined();
        await poll('the alert to resolve', async () => ((await alertsOf(svc)).length === 0 ? true : undefined));
    } finally {
        restore();
    }
}, 180_000);

it('a running instance rides out a vault outage on the value it read, and notices a deleted secret within minutes', async () => {
    const MINUTE = 60_000;
    let clock = Date.now();
    const advance = (ms: number) => {
        clock += ms;
        jest.setSystemTime(clock);
    };
    newInstance();
    expect((await runFinished(svc, await syncNow(svc))).status).toBe('succeeded');
    jest.useFakeTimers({
        now: clock,
        doNotFake: [
            'nextTick',
            'setImmediate',
            'setTimeout',
            'setInterval',
            'clearTimeout',
            'clearInterval',
            'clearImmediate',
            'queueMicrotask',
            'hrtime',
            'performance',
        ],
    });
    try {
        // Past the 5-minute revalidation while the vault does not answer: the value read before still works.
        svc.env.vault.faults.disconnect();
        advance(6 * MINUTE);
        expect((await runFinished(svc, await syncNow(svc))).status).toBe('succeeded');
        svc.env.vault.faults.clear();

        // Deleted in the vault on purpose: the same instance stops using it at the next revalidation.
        await svc.admin.beginDeleteSecret(CLIENT_SECRET_NAME).then((p) => p.pollUntilDone());
        advance(6 * MINUTE);
        const failed = await runFinished(svc, await syncNow(svc));
        expect(failed.error).toMatchObject({ code: 'credential_missing', retryable: false });
    } finally {
        jest.useRealTimers();
    }
    await svc.admin.beginRecoverDeletedSecret(CLIENT_SECRET_NAME).then((p) => p.pollUntilDone());
    const back = await svc.env.api('GET', `/api/drives/${svc.drive.id}?refresh=true`);
    expect(back.body).toMatchObject({ status: 'connected' });
}, 120_000);
