import { raiseAlert, resolveAlerts } from '../alerts/raiseAlert';
import type { AlertSeverity } from '../alerts/alertModel';
import { listIntegrations, type IntegrationRecord } from '../integration/integrationRepository';
import type { Logger } from '../logging/logger';
import type { Services } from '../runtime/services';
import { allCredentials, describeCredential, isStored, StoredCredential } from './credentialModel';
import { vaultExpiry } from './credentialVault';

/** Days before expiry at which an alert is raised; then once more on expiry (flow 6). */
export const EXPIRY_THRESHOLDS = [30, 14, 7, 1] as const;
export type ExpiryThreshold = (typeof EXPIRY_THRESHOLDS)[number] | 'expired';

const DAY = 86_400_000;

/** The nearest threshold crossed, or undefined while more than 30 days remain. */
export function expiryThreshold(expiresOn: number, now: number): ExpiryThreshold | undefined {
    const left = expiresOn - now;
    if (left <= 0) return 'expired';
    return [...EXPIRY_THRESHOLDS].reverse().find((t) => left <= t * DAY);
}

export function expiryAlertPrefix(integrationId: string, credentialId: string): string {
    return `credential-expiry:${integrationId}:${credentialId}:`;
}

/** One condition per credential version and threshold: each threshold raises once. */
export function expiryAlertKey(integrationId: string, c: StoredCredential, threshold: ExpiryThreshold): string {
    return `${expiryAlertPrefix(integrationId, c.id)}${c.version}:${threshold}`;
}

/**
 * The daily check: for every credential in use (active or pending), its expiry as Key Vault records
 * it. Alerts at 30/14/7/1 days and on expiry; an alert for a farther threshold, or for a credential
 * that was rotated out, is resolved.
 */
export async function checkCredentialExpiry(
    services: Services,
    now = new Date(),
    log?: Logger,
): Promise<{ raised: string[]; current: string[] }> {
    const raised: string[] = [];
    const current: string[] = [];
    for (const { record } of await listIntegrations(await services.tables.get('integrations'))) {
        const keys = await checkIntegration(services, record, now, log, raised);
        current.push(...keys);
        await resolveAlerts(
            services,
            (a) => a.key.startsWith(`credential-expiry:${record.id}:`) && !keys.includes(a.key),
            'Rotated, retired or superseded by a nearer threshold.',
            now,
        );
    }
    return { raised, current };
}

async function checkIntegration(
    services: Services,
    record: IntegrationRecord,
    now: Date,
    log: Logger | undefined,
    raised: string[],
): Promise<string[]> {
    const keys: string[] = [];
    const inUse = allCredentials(record).filter(
        (c): c is StoredCredential => isStored(c) && (c.state === 'active' || c.state === 'pending'),
    );
    for (const c of inUse) {
        const expiresOn = (await vaultExpiry(services.secrets, c).catch(() => undefined)) ?? new Date(c.expiresOn);
        const threshold = expiryThreshold(expiresOn.getTime(), now.getTime());
        if (!threshold) continue;
        const key = expiryAlertKey(record.id, c, threshold);
        keys.push(key);
        const result = await raiseAlert(services, expiryAlert(record, c, threshold, expiresOn, key), { log, now });
        if (result.raised) raised.push(key);
    }
    return keys;
}

function expiryAlert(
    record: IntegrationRecord,
    c: StoredCredential,
    threshold: ExpiryThreshold,
    expiresOn: Date,
    key: string,
) {
    const what = describeCredential(c);
    const pending = c.state === 'pending' ? ' (pending, not yet promoted)' : '';
    const severity: AlertSeverity =
        threshold === 'expired' || threshold === 1 ? 'critical' : threshold === 30 ? 'info' : 'warning';
    const when =
        threshold === 'expired'
            ? `expired on ${expiresOn.toISOString().slice(0, 10)}`
            : `expires on ${expiresOn.toISOString().slice(0, 10)} (within ${threshold} day${threshold === 1 ? '' : 's'})`;
    return {
        key,
        severity,
        kind: threshold === 'expired' ? 'credential_expired' : 'credential_expiring',
        title:
            threshold === 'expired'
                ? `The ${c.kind === 'certificate' ? 'certificate' : 'client secret'} has expired`
                : `The ${c.kind === 'certificate' ? 'certificate' : 'client secret'} expires in ${threshold} day${threshold === 1 ? '' : 's'}`,
        message: `The integration's ${what}${pending} ${when}.${threshold === 'expired' && c.state === 'active' ? ' Token requests fail with AADSTS7000222 and drives stop syncing.' : ''}`,
        hint: `Create a new ${c.kind === 'certificate' ? 'certificate' : 'client secret'} in the app registration, add it with POST /api/manage/integration/credentials, then promote it: drives stay connected.${c.kind === 'certificate' ? ' A federated credential (managed identity) has nothing to expire.' : ' A certificate or a federated credential (managed identity) is safer than a secret.'}`,
        subject: { type: 'credential' as const, id: c.id, name: `${record.id}: ${what}` },
    };
}
