import type { IntegrationRecord } from '../integration/integrationRepository';
import { activeCredential, CredentialReference, INITIAL_CREDENTIAL_ID, initialCredential } from './credentialModel';

/**
 * Rotation as state changes on the integration record (pure: the caller verifies, stores and
 * audits). Token caches are keyed by account, never by credential, so none of this touches them.
 */
export const DEFAULT_GRACE_DAYS = 7;
const DAY = 86_400_000;

/** Makes `id` the credential token requests use; the previous one retires after the grace period. */
export function promote(
    record: IntegrationRecord,
    id: string,
    graceDays: number,
    now: Date,
): { previous?: CredentialReference } {
    const previous = activeCredential(record);
    if (previous?.id === id) return {};
    const retireAfter = new Date(now.getTime() + graceDays * DAY).toISOString();
    markRetiring(record, previous, retireAfter);
    if (id === INITIAL_CREDENTIAL_ID) {
        // Rolling back to the initial secret during its grace period.
        record.activeCredentialId = undefined;
        if (record.clientSecret) record.clientSecret = { ...record.clientSecret, retireAfter: undefined };
        return { previous };
    }
    record.credentials = (record.credentials ?? []).map((c) =>
        c.id === id ? { ...c, state: 'active', promotedAt: now.toISOString(), retireAfter: undefined } : c,
    );
    record.activeCredentialId = id;
    return { previous };
}

/** PUT with a new secret makes the initial secret active again; a rotated-in credential steps aside. */
export function demoteForNewInitialSecret(record: IntegrationRecord, now: Date): void {
    if (!record.activeCredentialId) return;
    markRetiring(record, activeCredential(record), new Date(now.getTime() + DEFAULT_GRACE_DAYS * DAY).toISOString());
    record.activeCredentialId = undefined;
    if (record.clientSecret) record.clientSecret = { ...record.clientSecret, retireAfter: undefined };
}

function markRetiring(record: IntegrationRecord, previous: CredentialReference | undefined, retireAfter: string): void {
    if (!previous) return;
    if (previous.id === INITIAL_CREDENTIAL_ID) {
        if (record.clientSecret) record.clientSecret = { ...record.clientSecret, retireAfter };
        return;
    }
    record.credentials = (record.credentials ?? []).map((c) =>
        c.id === previous.id ? { ...c, state: 'retiring', retireAfter } : c,
    );
}

/**
 * Marks a credential retired in the record. The initial secret (PUT /api/manage/integration) leaves
 * `clientSecret` and joins the other credentials as retired, so the list keeps showing it like any other.
 */
export function markRetired(record: IntegrationRecord, id: string, now: Date): void {
    if (id === INITIAL_CREDENTIAL_ID) {
        const initial = initialCredential(record);
        record.clientSecret = undefined;
        if (initial) record.credentials = [...(record.credentials ?? []), { ...initial, state: 'retiring' }];
    }
    record.credentials = (record.credentials ?? []).map((c) =>
        c.id === id ? { ...c, state: 'retired', retiredAt: now.toISOString(), retireAfter: undefined } : c,
    );
}
