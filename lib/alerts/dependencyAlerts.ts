import type { DependencyFault } from '../dependencies/dependencyFault';
import type { Logger } from '../logging/logger';
import type { Services } from '../runtime/services';
import type { AlertRecord } from './alertModel';
import { raiseAlert, resolveAlerts } from './raiseAlert';

/**
 * Alerts about the service's own dependencies: ONE per integration and fault code, however many drives
 * and runs meet it (`dependency:<integrationId>:<code>`), resolved when the cause is gone.
 *
 * - `dependency_configuration`: the integration's credential is unreadable, Key Vault or storage
 *   denies the app's identity… Raised the first time a run, transfer or live check meets it; nothing
 *   syncs until it is fixed.
 * - `dependency_unavailable`: a transient fault (throttling, unreachable) that outlasted the bounded
 *   retries of a run or a transfer; runs go on at their schedule.
 */
export function dependencyAlertKey(integrationId: string, code: string): string {
    return `${dependencyAlertPrefix(integrationId)}${code}`;
}

export function dependencyAlertPrefix(integrationId: string): string {
    return `dependency:${integrationId}:`;
}

const TITLES: Record<string, string> = {
    credential_missing: "The integration's client credential is missing from Key Vault",
    credential_disabled: "The integration's client credential is disabled in Key Vault",
    key_vault_secret_missing: 'A secret the service keeps is missing from Key Vault',
    key_vault_secret_disabled: 'A secret the service keeps is disabled in Key Vault',
    key_vault_forbidden: "Key Vault denies the app's identity",
    key_vault_throttled: 'Key Vault keeps throttling the service',
    key_vault_unreachable: 'Key Vault is unreachable',
    identity_unavailable: "The app's managed identity cannot get tokens",
    storage_forbidden: "Storage denies the app's identity",
    storage_not_found: 'A table, queue or container of the service is gone',
    storage_throttled: 'Storage keeps throttling the service',
    storage_unreachable: 'Storage is unreachable',
    token_cache_conflict: 'The token cache keeps conflicting',
    state_corrupt: 'A row of the service state is unreadable',
};

export async function raiseDependencyAlert(
    services: Services,
    integrationId: string,
    fault: Pick<DependencyFault, 'code' | 'message' | 'hint' | 'configuration'>,
    options: { log?: Logger; context?: string } = {},
): Promise<{ alert: AlertRecord; raised: boolean }> {
    const result = await raiseAlert(
        services,
        {
            key: dependencyAlertKey(integrationId, fault.code),
            severity: 'critical',
            kind: fault.configuration ? 'dependency_configuration' : 'dependency_unavailable',
            title: TITLES[fault.code] ?? `Dependency fault ${fault.code}`,
            message: options.context ? `${fault.message} ${options.context}` : fault.message,
            hint: fault.hint!,
            subject: { type: 'integration', id: integrationId },
        },
        { log: options.log },
    );
    // One cause at a time: a fault that turned into another (missing → forbidden) leaves one alert.
    if (result.raised && fault.configuration)
        await resolveAlerts(
            services,
            (a) =>
                a.key.startsWith(dependencyAlertPrefix(integrationId)) &&
                a.key !== result.alert.key &&
                a.kind === 'dependency_configuration',
            `Superseded by ${fault.code}.`,
        );
    return result;
}

/** A drive whose runs kept failing for a reason that is not a dependency fault (bounded retries ran out). */
export function syncFailingAlertKey(integrationId: string, driveId: string): string {
    return `sync-failing:${integrationId}:${driveId}`;
}

export async function raiseSyncFailingAlert(
    services: Services,
    drive: { integrationId: string; id: string; name: string },
    failures: number,
    error: { code: string; message: string; hint?: string },
    log?: Logger,
): Promise<void> {
    await raiseAlert(
        services,
        {
            key: syncFailingAlertKey(drive.integrationId, drive.id),
            severity: 'warning',
            kind: 'sync_failing',
            title: `Drive "${drive.name}" keeps failing to sync`,
            message: `${failures} runs in a row failed (${error.code}: ${error.message.slice(0, 300)}). Automatic retries stopped; the drive syncs at its schedule.`,
            hint: error.hint ?? 'See the failed runs with GET /api/drives/{driveId}/runs?status=failed.',
            subject: { type: 'drive', id: drive.id, name: drive.name },
        },
        { log },
    );
}

/** The cause is gone: every open dependency alert of the integration (or only those with `codes`) is resolved. */
export function resolveDependencyAlerts(
    services: Services,
    integrationId: string,
    resolution: string,
    codes?: readonly string[],
): Promise<AlertRecord[]> {
    const prefix = dependencyAlertPrefix(integrationId);
    return resolveAlerts(
        services,
        (a) => a.key.startsWith(prefix) && (!codes || codes.includes(a.key.slice(prefix.length))),
        resolution,
    );
}
