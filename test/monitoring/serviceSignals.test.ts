import { functions } from '../../functions/registry';
import { getDrive, saveDrive } from '../../lib/drives/driveRepository';
import type { DriveRecord } from '../../lib/drives/driveRecord';
import type { Logger } from '../../lib/logging/logger';
import { reportServiceSignals } from '../../lib/monitoring/serviceSignals';
import { parseSignal, SIGNAL_NAMES } from '../../lib/monitoring/signals';
import { getServices } from '../../lib/runtime/services';
import { runSync } from '../../lib/sync/engine';
import { startConnectedService, type ConnectedService } from '../support/connectedService';

/**
 * The service side of the Azure Monitor alert rules (infra/modules/alerts.bicep): the signal lines
 * they match, written by the real service against Azurite, the Key Vault double and the simulator,
 * and read back as the rules' KQL reads them (prefix + JSON in the message).
 */
function capture(): Logger & { lines: string[] } {
    const lines: string[] = [];
    const push = (m: string) => void lines.push(m);
    return { lines, info: push, warn: push, error: push };
}

const DAY = 86_400_000;
let svc: ConnectedService;
let drive: DriveRecord;

beforeAll(async () => {
    // Routes only: the test runs the timer's body and a sync itself.
    svc = await startConnectedService({ functions: functions.filter((f) => f.kind === 'http') });
    expect((await svc.configure()).status).toBe(201);
    ({ drive } = await svc.connectDrive(
        { name: 'Signals OneDrive', kind: 'onedrive' },
        svc.sim.demo.users.adele.userPrincipalName,
    ));
}, 60_000);
afterAll(() => svc?.stop());

it('reports poison-queue depth, every drive status and each credential’s days left as signal lines', async () => {
    const services = await getServices();
    const poison = services.storage.queue.getQueueClient(`${services.config.queues.transfer}-poison`);
    await poison.createIfNotExists();
    await poison.sendMessage(Buffer.from('{"kind":"transfer"}').toString('base64'));
    await poison.sendMessage(Buffer.from('{"kind":"transfer"}').toString('base64'));
    const drives = await services.tables.get('drives');
    const current = (await getDrive(drives, drive.integrationId, drive.id))!;
    await saveDrive(drives, { ...current.drive, status: 'needs_reauth' }, current.etag);

    const log = capture();
    const now = new Date();
    const summary = await reportServiceSignals(services, log, now);
    const signals = log.lines.map(parseSignal);
    expect(signals.every((s) => s !== undefined)).toBe(true);
    expect(signals.filter((s) => s!.signal === 'poison_queue')).toEqual([
        { signal: 'poison_queue', queue: `${services.config.queues.sync}-poison`, messages: 0 },
        { signal: 'poison_queue', queue: `${services.config.queues.transfer}-poison`, messages: 2 },
    ]);
    expect(signals.filter((s) => s!.signal === 'drive_status')).toEqual([
        expect.objectContaining({ driveId: drive.id, integrationId: drive.integrationId, status: 'needs_reauth' }),
    ]);
    const expiry = signals.filter((s) => s!.signal === 'credential_expiry');
    expect(expiry).toHaveLength(1);
    const expiresOn = Date.parse(svc.sim.demo.clientSecretExpiresOn);
    expect(expiry[0]).toMatchObject({
        kind: 'client_secret',
        state: 'active',
        daysLeft: Math.floor((expiresOn - now.getTime()) / DAY),
    });
    expect(summary).toEqual({ poisoned: 2, drives: 1, credentials: 1 });
    await saveDrive(drives, { ...current.drive }, (await getDrive(drives, drive.integrationId, drive.id))!.etag);
}, 60_000);

it('writes one run_finished line per sync run, with its status and trigger', async () => {
    const services = await getServices();
    const log = capture();
    const run = await runSync(
        services,
        {
            kind: 'sync',
            integrationId: drive.integrationId,
            driveId: drive.id,
            trigger: 'manual',
            requestedAt: new Date().toISOString(),
        },
        { log },
    );
    expect(run.outcome).toBe('ran');
    const finished = log.lines.map(parseSignal).filter((s) => s?.signal === 'run_finished');
    expect(finished).toEqual([
        expect.objectContaining({
            driveId: drive.id,
            status: 'succeeded',
            trigger: 'manual',
            runId: expect.any(String),
        }),
    ]);
    expect(SIGNAL_NAMES).toContain(finished[0]!.signal);
}, 120_000);
