import type { DriveRecord } from '../../../lib/drives/driveRecord';
import { runSync } from '../../../lib/sync/engine';
import type { ConnectedService } from '../../support/connectedService';
import { message, services, startSyncService } from './engineHarness';

/**
 * A sync that fails because the account must sign in again (password changed, sessions revoked)
 * marks the drive needs_reauth with the cause, and raises the drive-health alert: a drive never
 * looks connected while nothing syncs (the "drives disconnect silently" complaint).
 */
const HOUR = 3_600_000;
let svc: ConnectedService;
let drive: DriveRecord;

beforeAll(async () => {
    svc = await startSyncService();
    drive = (
        await svc.connectDrive({ name: 'Megan OneDrive', kind: 'onedrive' }, svc.sim.demo.users.megan.userPrincipalName)
    ).drive;
}, 120_000);

afterAll(async () => {
    jest.useRealTimers();
    await svc?.stop();
});

it('marks the drive needs_reauth and raises an alert when a run finds the sign-in revoked', async () => {
    const first = await runSync(await services(), message(drive.integrationId, drive.id));
    expect(first).toMatchObject({ outcome: 'ran', run: { status: 'succeeded' } });

    const clock = svc.sim.simulator.clock;
    clock.advance(60_000);
    svc.sim.simulator.entra.changePassword(svc.sim.demo.tenantId, svc.sim.demo.users.megan.userPrincipalName);
    // Past the access token's lifetime on both clocks, so MSAL must use the (now revoked) refresh token.
    const later = clock.now() + 2 * HOUR;
    clock.set(later);
    jest.useFakeTimers({
        now: later,
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

    const failed = await runSync(await services(), message(drive.integrationId, drive.id, { trigger: 'timer' }));
    expect(failed).toMatchObject({
        outcome: 'ran',
        run: { status: 'failed', error: { code: 'credentials_changed', retryable: false } },
    });

    const after = await svc.env.api('GET', `/api/drives/${drive.id}`);
    expect(after.body).toMatchObject({ status: 'needs_reauth', statusCause: { code: 'credentials_changed' } });
    const alerts = await svc.env.api('GET', '/api/manage/alerts');
    expect((alerts.body as { value: { kind: string; subject: { id: string } }[] }).value).toContainEqual(
        expect.objectContaining({ kind: 'drive_needs_reauth', subject: expect.objectContaining({ id: drive.id }) }),
    );

    // The scheduler and the queue leave it alone until it is reconnected.
    const again = await runSync(await services(), message(drive.integrationId, drive.id));
    expect(again).toMatchObject({ outcome: 'ignored', reason: 'drive_not_ready' });
});
