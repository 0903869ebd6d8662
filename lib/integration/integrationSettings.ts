import { recordAudit } from '../audit/audit';
import { activeCredential } from '../credentials/credentialModel';
import { demoteForNewInitialSecret } from '../credentials/rotation';
import { ApiError } from '../http/apiError';
import type { Services } from '../runtime/services';
import { cloudEndpoints } from './cloud';
import { readClientSecret, secretFingerprint, storeClientSecret, type SecretReference } from './clientSecretVault';
import { dependencyFaultIn } from '../dependencies/classify';
import { getIntegration, IntegrationRecord, putIntegration } from './integrationRepository';
import { defaultRedirectUri } from './redirectUri';
import { DEFAULT_SCOPES, IntegrationSettingsInput } from './settingsSchema';
import { resolveTenant } from './tenantResolver';

export const DEFAULT_INTEGRATION_ID = 'default';

/** What GET returns: settings plus the secret's metadata, never its value. */
export interface IntegrationView {
    integrationId: string;
    tenantId: string;
    tenantDomain?: string;
    clientId: string;
    cloud: IntegrationRecord['cloud'];
    redirectUri: string;
    scopes: string[];
    clientSecret:
        | { configured: false }
        | {
              configured: true;
              expiresOn: string;
              daysToExpiry: number;
              fingerprint: string;
              hint: string;
              version: string;
          };
    /** The credential token requests use (see /api/manage/integration/credentials for all of them). */
    activeCredential?: { id: string; kind: string; expiresOn?: string };
    /** Present while a dependency fault (the credential unreadable in Key Vault…) stops every drive. */
    fault?: { code: string; message: string; hint: string; since: string; nextCheckAt: string };
    updatedAt: string;
    updatedBy: string;
}

export function toView(record: IntegrationRecord, now: number): IntegrationView {
    const s = record.clientSecret;
    return {
        integrationId: record.id,
        tenantId: record.tenantId,
        ...(record.tenantDomain ? { tenantDomain: record.tenantDomain } : {}),
        clientId: record.clientId,
        cloud: record.cloud,
        redirectUri: record.redirectUri,
        scopes: record.scopes,
        clientSecret: s
            ? {
                  configured: true,
                  expiresOn: s.expiresOn,
                  daysToExpiry: Math.floor((Date.parse(s.expiresOn) - now) / 86_400_000),
                  fingerprint: s.fingerprint,
                  hint: s.hint,
                  version: s.version,
              }
            : { configured: false },
        ...activeCredentialView(record),
        ...(record.fault
            ? {
                  fault: {
                      code: record.fault.code,
                      message: record.fault.message,
                      hint: record.fault.hint,
                      since: record.fault.since,
                      nextCheckAt: record.fault.nextCheckAt,
                  },
              }
            : {}),
        updatedAt: record.updatedAt,
        updatedBy: record.updatedBy,
    };
}

function activeCredentialView(record: IntegrationRecord): Pick<IntegrationView, 'activeCredential'> {
    const c = activeCredential(record);
    if (!c) return {};
    return { activeCredential: { id: c.id, kind: c.kind, ...('expiresOn' in c ? { expiresOn: c.expiresOn } : {}) } };
}

export async function loadIntegration(
    services: Services,
    id = DEFAULT_INTEGRATION_ID,
): Promise<IntegrationRecord | undefined> {
    return (await getIntegration(await services.tables.get('integrations'), id))?.record;
}

export async function requireIntegration(services: Services, id = DEFAULT_INTEGRATION_ID): Promise<IntegrationRecord> {
    const record = await loadIntegration(services, id);
    if (!record) {
        throw new ApiError(
            404,
            'integration_not_configured',
            'No SharePoint/OneDrive integration is configured.',
            'PUT /api/manage/integration with the tenant id, client id and client secret of your Entra app registration.',
        );
    }
    return record;
}

/**
 * Validated input → stored settings. Idempotent: unchanged settings write nothing (no new Key Vault
 * version, no table write) and never touch connections or token caches.
 */
export async function saveIntegrationSettings(
    services: Services,
    input: IntegrationSettingsInput,
    actor: string,
    now = new Date(),
    id = DEFAULT_INTEGRATION_ID,
): Promise<{ view: IntegrationView; changed: string[]; created: boolean }> {
    const table = await services.tables.get('integrations');
    const existing = await getIntegration(table, id);
    const tenant = await resolveTenantField(services, input);
    const previous = existing?.record;

    if (!previous?.clientSecret && !previous?.activeCredentialId && input.clientSecret === undefined) {
        throw new ApiError(
            400,
            'validation_failed',
            'The client secret is required when the integration is first configured.',
            'Create a client secret under Certificates & secrets and send its Value and expiry date.',
            [{ field: 'clientSecret', code: 'secret_required', message: 'Required when no secret is stored yet.' }],
        );
    }
    const secretUnchanged =
        input.clientSecret === undefined ||
        (previous?.clientSecret?.fingerprint === secretFingerprint(input.clientSecret) &&
            Date.parse(previous.clientSecret.expiresOn) === Date.parse(input.clientSecretExpiresOn!) &&
            // The same secret again, but Key Vault lost it (deleted, purged, disabled): store it again.
            (await storedSecretReadable(services, previous.clientSecret)));

    const next: IntegrationRecord = {
        id,
        tenantId: tenant.tenantId,
        ...(tenant.domain ? { tenantDomain: tenant.domain } : {}),
        clientId: input.clientId.toLowerCase(),
        cloud: input.cloud,
        redirectUri: input.redirectUri ?? previous?.redirectUri ?? defaultRedirectUri(services.config.publicBaseUrl),
        scopes: input.scopes ?? previous?.scopes ?? [...DEFAULT_SCOPES],
        clientSecret: previous?.clientSecret,
        credentials: previous?.credentials,
        activeCredentialId: previous?.activeCredentialId,
        ...(previous?.fault ? { fault: previous.fault } : {}),
        createdAt: previous?.createdAt ?? now.toISOString(),
        updatedAt: previous?.updatedAt ?? now.toISOString(),
        updatedBy: previous?.updatedBy ?? actor,
    };
    const changed = changedFields(previous, next);
    if (!secretUnchanged) changed.push('clientSecret');
    if (changed.length === 0) {
        const fault = await recheckFault(services, next);
        return { view: toView({ ...next, fault }, now.getTime()), changed, created: false };
    }

    if (!secretUnchanged) {
        next.clientSecret = await storeClientSecret(
            services.secrets,
            id,
            next.clientId,
            input.clientSecret!,
            new Date(input.clientSecretExpiresOn!),
        );
        // A secret sent with PUT is used at once: a rotated-in credential steps aside (and retires later).
        demoteForNewInitialSecret(next, now);
    }
    next.updatedAt = now.toISOString();
    next.updatedBy = actor;
    await putIntegration(table, next, existing?.etag);
    await recordAudit(
        await services.tables.get('audit'),
        { actor, action: existing ? 'integration.update' : 'integration.create', target: id, changed },
        now,
    );
    const fault = await recheckFault(services, next);
    return { view: toView({ ...next, fault }, now.getTime()), changed, created: !existing };
}

/** Whether Key Vault still serves the stored secret; a Key Vault fault other than "gone" is the answer. */
async function storedSecretReadable(services: Services, ref: SecretReference): Promise<boolean> {
    try {
        await readClientSecret(services.secrets, ref);
        return true;
    } catch (e) {
        const fault = dependencyFaultIn(e);
        if (fault && (fault.kind === 'secret_missing' || fault.kind === 'secret_disabled')) return false;
        throw fault ?? e;
    }
}

/**
 * A PUT while the integration has a credential fault: the admin did what the hint said (re-entered the
 * secret), or fixed the cause elsewhere. If the credential reads now, the fault is cleared and every
 * drive resumes at once; otherwise the fault stays (and the response shows it).
 */
async function recheckFault(services: Services, record: IntegrationRecord): Promise<IntegrationRecord['fault']> {
    if (!record.fault) return undefined;
    const { probeCredential, recoverCredential } = await import('./credentialHealth');
    if (!(await probeCredential(services, record)).ok) return record.fault;
    await recoverCredential(services, record.id, 'The client secret was entered again (PUT /api/manage/integration).');
    return undefined;
}

async function resolveTenantField(
    services: Services,
    input: IntegrationSettingsInput,
): Promise<{ tenantId: string; domain?: string }> {
    const { authorityHost } = cloudEndpoints(input.cloud, services.config.m365);
    const resolved = await resolveTenant(authorityHost, input.tenantId);
    if (resolved.ok)
        return {
            tenantId: resolved.tenantId,
            domain: resolved.tenantId === input.tenantId.toLowerCase() ? undefined : input.tenantId.toLowerCase(),
        };
    throw new ApiError(
        400,
        'validation_failed',
        resolved.message,
        "Use the Directory (tenant) ID shown on the app registration's Overview page.",
        [{ field: 'tenantId', code: resolved.code, message: resolved.message }],
    );
}

const COMPARED: (keyof IntegrationRecord)[] = [
    'tenantId',
    'tenantDomain',
    'clientId',
    'cloud',
    'redirectUri',
    'scopes',
];

function changedFields(previous: IntegrationRecord | undefined, next: IntegrationRecord): string[] {
    if (!previous) return COMPARED.filter((k) => next[k] !== undefined);
    return COMPARED.filter((k) => JSON.stringify(previous[k]) !== JSON.stringify(next[k]));
}
