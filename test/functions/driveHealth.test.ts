import type { AlertRecord } from '../../lib/alerts';
import type { DriveRecord } from '../../lib/drives/driveRecord';
import {
    HEALTH_WORK,
    readHealthCheckpoint,
    SLOT_MINUTES,
    slotAt,
    SLOTS_PER_HOUR,
    writeHealthCheckpoint,
} from '../../lib/drives/healthSlots';
import { sweepDriveHealth } from '../../lib/drives/healthSweep';
import type { Logger } from '../../lib/logging/logger';
import { hourlySlot } from '../../lib/notifications/spread';
import { getServices } from '../../lib/runtime/services';
import { startConnectedService, type ConnectedService } from '../support/connectedService';

const SLOT_MS = SLOT_MINUTES * 60_000;
const quiet: Logger = { info: () => undefined, warn: () => undefined, error: () => undefined };

describe('drive health timer (every 5 minutes, each drive in its slot of the hour)', () => {
    let svc: ConnectedService;
    let healthy: DriveRecord;
    let library: DriveRecord;
    const megan = () => svc.sim.demo.users.megan;
    const status = async (id: string) =>
        ((await svc.env.api('GET', `/api/drives/${id}`)).body as { status: string }).status;
    const alertsOf = async (id: string, state: 'open' | 'all') =>
        ((await svc.env.api('GET', `/api/manage/alerts?state=${state}`)).body as { value: AlertRecord[] }).value.filter(
            (a) => a.subject.id === id,
        );

    beforeAll(async () => {
        svc = await startConnectedService();
        await svc.configure();
        healthy = (
            await svc.connectDrive({ name: 'Healthy', kind: 'onedrive' }, svc.sim.demo.users.adele.userPrincipalName)
        ).drive;
        library = (await svc.connectDrive({ name: 'Idle library', kind: 'sharepoint' }, megan().userPrincipalName))
            .drive;
        await svc.selectLibrary(library.id);
    });
    afterAll(() => svc.stop());

    it('after a killed or missed run, the next run checks the whole hour it left: finds a lost library, leaves healthy drives connected', async () => {
        const services = await getServices();
        // The last finished run was an hour ago: every run since then died before its end.
        await writeHealthCheckpoint(
            await services.tables.get('checkpoints'),
            'default',
            slotAt(Date.now()) - SLOTS_PER_HOUR,
        );
        svc.sim.graph.setSiteMember(svc.sim.content.site.id, megan().id, undefined);
        try {
            await svc.env.host.fireTimer('driveHealth');
            expect(await status(library.id)).toBe('access_lost');
            expect(await status(healthy.id)).toBe('connected');
        } finally {
            svc.sim.graph.setSiteMember(svc.sim.content.site.id, megan().id, 'write');
        }
        expect(await alertsOf(library.id, 'open')).toEqual([
            expect.objectContaining({ kind: 'drive_access_lost', severity: 'critical' }),
        ]);
        // The run finished: the checkpoint moved to its slot.
        expect(await readHealthCheckpoint(await services.tables.get('checkpoints'), 'default')).toBeGreaterThanOrEqual(
            slotAt(Date.now()) - 1,
        );
    });

    it('an hour of runs checks each drive once, in its slot; the regained library is connected and its alert resolved there', async () => {
        const services = await getServices();
        const checkpoints = await services.tables.get('checkpoints');
        const first = (await readHealthCheckpoint(checkpoints, 'default'))! + 1;
        const librarySlot = hourlySlot(library.id, HEALTH_WORK, SLOTS_PER_HOUR);
        let checks = 0;
        for (let k = 0; k < SLOTS_PER_HOUR; k++) {
            const slot = first + k;
            const inThisRun = [healthy, library].filter(
                (d) => hourlySlot(d.id, HEALTH_WORK, SLOTS_PER_HOUR) === slot % SLOTS_PER_HOUR,
            );
            const before = await status(library.id);
            const result = await sweepDriveHealth(services, quiet, slot * SLOT_MS + 1_000);
            expect(result).toMatchObject({ drives: 2, due: inThisRun.length, checked: inThisRun.length, errors: 0 });
            expect(result.unhealthy).toBe(0);
            checks += result.checked;
            expect(await readHealthCheckpoint(checkpoints, 'default')).toBe(slot);
            // The library stays access_lost until the run of its own slot checks it again.
            if (slot % SLOTS_PER_HOUR === librarySlot) {
                expect(before).toBe('access_lost');
                expect(await status(library.id)).toBe('connected');
            } else expect(await status(library.id)).toBe(before);
        }
        expect(checks).toBe(2);
        expect(await alertsOf(library.id, 'open')).toEqual([]);
        expect(await alertsOf(library.id, 'all')).toEqual([
            expect.objectContaining({ kind: 'drive_access_lost', state: 'resolved' }),
        ]);
    });

    it('a second run in the same slot checks nothing again; one a whole day later checks every drive once', async () => {
        const services = await getServices();
        const done = (await readHealthCheckpoint(await services.tables.get('checkpoints'), 'default'))!;
        expect(await sweepDriveHealth(services, quiet, done * SLOT_MS + 2_000)).toMatchObject({ due: 0, checked: 0 });
        const dayLater = (done + 24 * SLOTS_PER_HOUR) * SLOT_MS;
        expect(await sweepDriveHealth(services, quiet, dayLater)).toMatchObject({ drives: 2, due: 2, checked: 2 });
    });
});
