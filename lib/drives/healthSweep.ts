import { dependencyFaultIn } from '../dependencies/classify';
import { loadIntegration } from '../integration/integrationSettings';
import type { Logger } from '../logging/logger';
import { mapLimited } from '../notifications/concurrency';
import { hourlySlot } from '../notifications/spread';
import type { Services } from '../runtime/services';
import { getDriveChecked } from './driveService';
import { listDrives } from './driveRepository';
import {
    dueSlots,
    HEALTH_WORK,
    readHealthCheckpoint,
    slotAt,
    SLOTS_PER_HOUR,
    writeHealthCheckpoint,
} from './healthSlots';

/** Checks at once: each is a silent token and one Graph read, so a few overlap their round trips. */
const CHECK_CONCURRENCY = 8;

export interface HealthSweepResult {
    /** Bound drives of the integration, and those whose slot this run covered. */
    drives: number;
    due: number;
    checked: number;
    unhealthy: number;
    errors: number;
}

/**
 * Checks the bound drives whose slot of the hour is due (healthSlots.ts: this run's slot, and any a
 * killed run left unchecked), CHECK_CONCURRENCY at a time; one failing check never stops the others.
 * When a check finds the integration's credential unavailable, the other drives share that cause (they
 * were marked with it): checking them one by one would only read the same missing secret again, so the
 * sweep stops there. The checkpoint moves only once the checks finished.
 */
export async function sweepDriveHealth(services: Services, log: Logger, now = Date.now()): Promise<HealthSweepResult> {
    const result: HealthSweepResult = { drives: 0, due: 0, checked: 0, unhealthy: 0, errors: 0 };
    const integration = await loadIntegration(services);
    if (!integration) return result;
    const checkpoints = await services.tables.get('checkpoints');
    const doneThrough = await readHealthCheckpoint(checkpoints, integration.id);
    const slots = dueSlots(now, doneThrough);
    // Bound to a Graph drive: a delegated drive through its account, an app-only drive with the app's token.
    const bound = (await listDrives(await services.tables.get('drives'), integration.id)).filter(
        (d) => d.graph && (d.account || d.auth === 'app'),
    );
    const due = bound.filter((d) => slots.has(hourlySlot(d.id, HEALTH_WORK, SLOTS_PER_HOUR)));
    Object.assign(result, { drives: bound.length, due: due.length });
    let credentialLost = false;
    await mapLimited(due, CHECK_CONCURRENCY, async (drive) => {
        if (credentialLost) return;
        result.checked++;
        try {
            const checked = await getDriveChecked(services, drive.id, true);
            if (checked.status !== 'connected') result.unhealthy++;
            if (checked.status === 'credential_unavailable' && !credentialLost) {
                credentialLost = true;
                log.warn('Drive health sweep stopped: the integration credential is unavailable', {
                    code: checked.statusCause?.code,
                });
            }
        } catch (e) {
            result.errors++;
            const fault = dependencyFaultIn(e);
            log.warn('Drive health check failed', { driveId: drive.id, code: fault?.code, error: fault ?? e });
        }
    });
    // The drives left unchecked share the credential's cause (they were marked with it): unhealthy too.
    if (credentialLost) result.unhealthy += due.length - result.checked;
    await writeHealthCheckpoint(checkpoints, integration.id, Math.max(slotAt(now), doneThrough ?? 0));
    return result;
}
