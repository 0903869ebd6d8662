import { raiseDependencyAlert, resolveDependencyAlerts } from '../alerts/dependencyAlerts';
import { TOKEN_CACHE_KEY_SECRET } from '../auth/keyVaultCacheKey';
import { activeCredential, isStored } from '../credentials/credentialModel';
import { dependencyFaultIn, isCredentialSecret } from '../dependencies/classify';
import type { DependencyFault } from '../dependencies/dependencyFault';
import type { DriveRecord } from '../drives/driveRecord';
import type { Logger } from '../logging/logger';
import type { Services } from '../runtime/services';
import { readClientSecret } from './clientSecretVault';
import {
    clearIntegrationFault,
    postponeFaultCheck,
    recordIntegrationFault,
    type IntegrationFault,
} from './integrationFault';
import type { IntegrationRecord } from './integrationRepository';

/**
 * What happens when the integration's credential cannot be read (issue 20: a secret deleted, purged or
 * disabled in Key Vault, the app's Key Vault role removed), wherever it is met first — a sync run, a
 * transfer, a live drive check:
 *
 * 1. the fault is recorded once on the integration (GET /api/manage/integration, the status page);
 * 2. every connected drive shows `credential_unavailable` with the same code and hint;
 * 3. ONE alert is raised (dependency:<integration>:<code>).
 *
 * Nothing retries in a loop: the scheduler checks the cause at growing intervals instead of running
 * syncs (superviseCredentialFault). When the cause is gone — the secret re-entered with PUT
 * /api/manage/integration, recovered or re-enabled in Key Vault, the role granted — the fault is
 * cleared, the drives are connected again, the alert is resolved and each drive syncs at once.
 */
export async function reportCredentialFault(
    services: Services,
    integrationId: string,
    fault: DependencyFault,
    log?: Logger,
): Promise<IntegrationFault | undefined> {
    const recorded = await recordIntegrationFault(services, integrationId, fault);
    if (!recorded) return undefined;
    if (recorded.isNew)
        log?.warn('Integration credential unavailable: its drives wait until the cause is fixed', {
            integrationId,
            code: fault.code,
            message: fault.message,
        });
    // Idempotent, so a crash between steps is repaired by the next run or scheduler tick.
    const { markDrivesCredentialUnavailable } = await import('../drives/driveHealth');
    await markDrivesCredentialUnavailable(services, integrationId, {
        code: recorded.fault.code,
        message: recorded.fault.message,
        hint: recorded.fault.hint,
        at: recorded.fault.since,
    });
    await raiseDependencyAlert(services, integrationId, fault, { log });
    return recorded.fault;
}

/** Clears the fault, connects the drives again, resolves the alert and starts one sync per drive. */
export async function recoverCredential(
    services: Services,
    integrationId: string,
    why: string,
    log?: Logger,
): Promise<{ cleared?: IntegrationFault; restored: DriveRecord[] }> {
    const cleared = await clearIntegrationFault(services, integrationId);
    const { restoreCredentialUnavailableDrives } = await import('../drives/driveHealth');
    const restored = await restoreCredentialUnavailableDrives(services, integrationId);
    await resolveDependencyAlerts(services, integrationId, why);
    if (cleared || restored.length > 0)
        log?.info('Integration credential readable again: drives resume', {
            integrationId,
            code: cleared?.code,
            drives: restored.length,
        });
    const { requestSync } = await import('../sync/engine/requestSync');
    for (const drive of restored) {
        if (!drive.graph) continue;
        await requestSync(services, drive.id, { trigger: 'retry' }).catch((e: unknown) =>
            log?.warn('Could not start the sync of a recovered drive; the scheduler will', {
                driveId: drive.id,
                error: e,
            }),
        );
    }
    return { cleared, restored };
}

/**
 * Reads what failed, fresh from Key Vault (no cached value): the integration's active credential, and
 * the other secret named by the fault (the token-cache key). Undefined when everything reads.
 */
export async function probeCredential(
    services: Services,
    integration: IntegrationRecord,
): Promise<{ ok: true } | { ok: false; fault?: DependencyFault }> {
    try {
        const credential = activeCredential(integration);
        if (credential && isStored(credential)) await readClientSecret(services.secrets, credential);
        const other = integration.fault?.secretName;
        if (other === TOKEN_CACHE_KEY_SECRET) {
            const { keyVaultCacheKey } = await import('../auth/keyVaultCacheKey');
            await keyVaultCacheKey(services.secrets).getKey();
        } else if (other && !isCredentialSecret(other)) await services.secrets.getSecret(other);
        if (!credential || !isStored(credential))
            await services.secrets.listPropertiesOfSecrets().byPage({ maxPageSize: 1 }).next();
        return { ok: true };
    } catch (e) {
        return { ok: false, fault: dependencyFaultIn(e) };
    }
}

/**
 * The scheduler's part, every tick: with a fault recorded, no syncs; when the next check is due, the
 * probe decides between recovering and waiting twice as long. Drives left `credential_unavailable`
 * without a fault (a crash between steps) are connected again. Returns what the scheduler should do.
 */
export async function superviseCredentialFault(
    services: Services,
    integration: IntegrationRecord,
    drives: readonly DriveRecord[],
    now: number,
    log?: Logger,
): Promise<
    | { state: 'healthy' }
    | { state: 'waiting'; fault: IntegrationFault }
    | { state: 'recovered'; restored: DriveRecord[] }
> {
    const fault = integration.fault;
    if (!fault) {
        if (!drives.some((d) => d.status === 'credential_unavailable')) return { state: 'healthy' };
        const { restored } = await recoverCredential(
            services,
            integration.id,
            'The integration has no fault any more.',
            log,
        );
        return { state: 'recovered', restored };
    }
    if (drives.some((d) => d.status === 'connected')) {
        const { markDrivesCredentialUnavailable } = await import('../drives/driveHealth');
        await markDrivesCredentialUnavailable(services, integration.id, {
            code: fault.code,
            message: fault.message,
            hint: fault.hint,
            at: fault.since,
        });
    }
    if (Date.parse(fault.nextCheckAt) > now) return { state: 'waiting', fault };
    const probe = await probeCredential(services, integration);
    if (!probe.ok) {
        const postponed = await postponeFaultCheck(services, integration.id, probe.fault, new Date(now));
        return { state: 'waiting', fault: postponed ?? fault };
    }
    const { restored } = await recoverCredential(
        services,
        integration.id,
        `The credential is readable again (checked ${new Date(now).toISOString()}).`,
        log,
    );
    return { state: 'recovered', restored };
}
