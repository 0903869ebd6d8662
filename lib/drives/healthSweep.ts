import { dependencyFaultIn } from '../dependencies/classify';
import { loadIntegration } from '../integration/integrationSettings';
import type { Logger } from '../logging/logger';
import type { Services } from '../runtime/services';
import { getDriveChecked } from './driveService';
import { listDrives } from './driveRepository';

/**
 * Checks every bound drive; one failing check never stops the others. When a check finds the
 * integration's credential unavailable, the other drives share that cause (they were marked with it):
 * checking them one by one would only read the same missing secret again, so the sweep stops there.
 */
export async function sweepDriveHealth(
    services: Services,
    log: Logger,
): Promise<{ checked: number; unhealthy: number; errors: number }> {
    const integration = await loadIntegration(services);
    if (!integration) return { checked: 0, unhealthy: 0, errors: 0 };
    const drives = (await listDrives(await services.tables.get('drives'), integration.id)).filter(
        (d) => d.account && d.graph,
    );
    let unhealthy = 0;
    let errors = 0;
    for (const [i, drive] of drives.entries()) {
        try {
            const checked = await getDriveChecked(services, drive.id, true);
            if (checked.status === 'credential_unavailable') {
                log.warn('Drive health sweep stopped: the integration credential is unavailable', {
                    code: checked.statusCause?.code,
                });
                return { checked: i + 1, unhealthy: unhealthy + drives.length - i, errors };
            }
            if (checked.status !== 'connected') unhealthy++;
        } catch (e) {
            errors++;
            const fault = dependencyFaultIn(e);
            log.warn('Drive health check failed', { driveId: drive.id, code: fault?.code, error: fault ?? e });
        }
    }
    return { checked: drives.length, unhealthy, errors };
}
