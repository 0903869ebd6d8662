import { loadIntegration } from '../integration/integrationSettings';
import type { Logger } from '../logging/logger';
import type { Services } from '../runtime/services';
import { getDriveChecked } from './driveService';
import { listDrives } from './driveRepository';

/** Checks every bound drive; one failing check never stops the others. */
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
    for (const drive of drives) {
        try {
            const checked = await getDriveChecked(services, drive.id, true);
            if (checked.status !== 'connected') unhealthy++;
        } catch (e) {
            errors++;
            log.warn('Drive health check failed', { driveId: drive.id, error: e });
        }
    }
    return { checked: drives.length, unhealthy, errors };
}
