import { resolveAlerts } from '../alerts/raiseAlert';
import { recordAudit } from '../audit/audit';
import { ApiError } from '../http/apiError';
import {
    IntegrationRecord,
    listIntegrations,
    updateIntegration as updateStoredIntegration,
} from '../integration/integrationRepository';
import { ConcurrentUpdateError } from '../storage/conditionalUpdate';
import { DEFAULT_INTEGRATION_ID, requireIntegration } from '../integration/integrationSettings';
import type { Services } from '../runtime/services';
import { parseCertificatePair } from './certificate';
import {
    activeCredential,
    allCredentials,
    CredentialReference,
    describeCredential,
    INITIAL_CREDENTIAL_ID,
    isStored,
} from './credentialModel';
import type { AddCredentialInput, PromoteInput } from './credentialSchemas';
import { newCredentialId, removeFromVault, storeCertificateCredential, storeSecretCredential } from './credentialVault';
import { CredentialView, toCredentialView } from './credentialView';
import { expiryAlertPrefix } from './expiryAlerts';
import { federatedAudience } from './federatedTokenSource';
import { federatedSetup, federatedSetupHint } from './federatedSetup';
import { federatedAssertion, msalCredential, MsalClientCredential } from './msalCredential';
import { DEFAULT_GRACE_DAYS, markRetired, promote } from './rotation';
import { verifyClientCredential } from './verifyCredential';

/** Retired credentials kept as history in the record (the audit trail keeps everything). */
const RETIRED_HISTORY = 10;

export async function listCredentials(
    services: Services,
    now = new Date(),
): Promise<{ activeCredentialId?: string; value: CredentialView[] }> {
    const integration = await requireIntegration(services);
    return {
        activeCredentialId: activeCredential(integration)?.id,
        value: allCredentials(integration).map((c) => toCredentialView(c, now.getTime())),
    };
}

/**
 * Adds a credential beside the current one, as `pending`: verified against Entra first (a wrong value
 * is refused with Entra's code and the guide's hint, and never stored), then kept in Key Vault.
 */
export async function addCredential(
    services: Services,
    input: AddCredentialInput,
    actor: string,
    now = new Date(),
): Promise<CredentialView> {
    const integration = await requireIntegration(services);
    const meta = {
        id: newCredentialId(),
        createdAt: now.toISOString(),
        createdBy: actor,
        verifiedAt: now.toISOString(),
        ...(input.displayName ? { displayName: input.displayName } : {}),
    };
    let credential: CredentialReference;
    if (input.kind === 'client_secret') {
        await mustVerify(services, integration, { clientSecret: input.value }, 'value');
        credential = await storeSecretCredential(
            services.secrets,
            integration,
            meta,
            input.value,
            new Date(input.expiresOn),
        );
    } else if (input.kind === 'certificate') {
        const cert = parseCertificatePair(input.certificatePem, input.privateKeyPem, now.getTime());
        if ('code' in cert)
            throw new ApiError(
                400,
                'validation_failed',
                cert.message,
                'Send the certificate and its private key as PEM (the key unencrypted).',
                [cert],
            );
        await mustVerify(
            services,
            integration,
            { clientCertificate: { thumbprintSha256: cert.thumbprintSha256, privateKey: cert.privateKeyPem } },
            'certificatePem',
            'Upload the certificate (.cer/.pem, public part only) under Certificates & secrets → Certificates of the app registration, then try again.',
        );
        credential = await storeCertificateCredential(services.secrets, integration, meta, cert);
    } else {
        const setup = await federatedSetup(services, integration, input.managedIdentityClientId);
        await mustVerify(
            services,
            integration,
            federatedAssertion(services, integration, input.managedIdentityClientId),
            'managedIdentityClientId',
            federatedSetupHint(setup),
        );
        credential = {
            ...meta,
            kind: 'federated',
            state: 'pending',
            audience: federatedAudience(integration.cloud),
            ...(input.managedIdentityClientId ? { managedIdentityClientId: input.managedIdentityClientId } : {}),
        };
    }
    await updateIntegration(
        services,
        integration.id,
        (record) => {
            const retired = (record.credentials ?? []).filter((c) => c.state === 'retired').slice(-RETIRED_HISTORY);
            record.credentials = [
                ...(record.credentials ?? []).filter((c) => c.state !== 'retired'),
                ...retired,
                credential,
            ];
        },
        now,
    );
    await audit(services, actor, 'integration.credential.add', credential.id, now);
    return toCredentialView(credential, now.getTime());
}

async function mustVerify(
    services: Services,
    integration: IntegrationRecord,
    credential: MsalClientCredential,
    field: string,
    hint?: string,
): Promise<void> {
    const verified = await verifyClientCredential(services, integration, credential);
    if (verified.ok) return;
    const { failure, code } = verified;
    throw new ApiError(
        400,
        'credential_rejected',
        `Entra rejected the new credential: ${failure.message}`,
        hint && !['invalid_client_secret'].includes(failure.code) ? hint : failure.hint,
        [{ field, code: code ?? failure.code, message: failure.message }],
    );
}

/**
 * Makes new token requests use the credential (verified again: it may have been removed in Entra
 * since it was added). The previous one keeps working for `graceDays`, then retires. No drive
 * reconnects: the token caches belong to accounts, not to credentials.
 */
export async function promoteCredential(
    services: Services,
    id: string,
    input: PromoteInput,
    actor: string,
    now = new Date(),
): Promise<CredentialView> {
    const integration = await requireIntegration(services);
    const target = requireCredential(integration, id);
    if (target.state === 'retired')
        throw new ApiError(
            409,
            'credential_retired',
            `Credential ${id} is retired.`,
            'Add a new credential with POST /api/manage/integration/credentials.',
        );
    if (target.state !== 'active') {
        const verified = await verifyClientCredential(
            services,
            integration,
            await msalCredential(services, integration, target),
        );
        if (!verified.ok)
            throw new ApiError(
                400,
                'credential_rejected',
                `Entra no longer accepts ${describeCredential(target)}: ${verified.failure.message}`,
                verified.failure.hint,
            );
    }
    let previous: CredentialReference | undefined;
    const updated = await updateIntegration(
        services,
        integration.id,
        (record) => {
            previous = promote(record, id, input.graceDays ?? DEFAULT_GRACE_DAYS, now).previous;
        },
        now,
    );
    if (previous) {
        await resolveAlerts(
            services,
            (a) => a.key.startsWith(expiryAlertPrefix(integration.id, previous!.id)),
            `Rotated: ${id} was promoted.`,
            now,
        );
        await audit(services, actor, 'integration.credential.promote', id, now);
    }
    return toCredentialView(requireCredential(updated, id), now.getTime());
}

/** DELETE …/credentials/{id}: retires a pending or retiring credential now (never the active one). */
export async function retireCredential(
    services: Services,
    id: string,
    actor: string,
    now = new Date(),
    integrationId = DEFAULT_INTEGRATION_ID,
): Promise<CredentialView> {
    const integration = await requireIntegration(services, integrationId);
    const target = requireCredential(integration, id);
    if (target.state === 'retired') return toCredentialView(target, now.getTime());
    if (target.state === 'active') {
        throw new ApiError(
            409,
            'credential_active',
            `Credential ${id} is the one token requests use.`,
            'Promote another credential first (POST /api/manage/integration/credentials/{id}/promote).',
        );
    }
    if (isStored(target)) await removeFromVault(services.secrets, target, id !== INITIAL_CREDENTIAL_ID);
    await updateIntegration(services, integration.id, (record) => markRetired(record, id, now), now);
    await resolveAlerts(
        services,
        (a) => a.key.startsWith(expiryAlertPrefix(integration.id, id)),
        `Retired: ${id} is no longer used.`,
        now,
    );
    await audit(services, actor, 'integration.credential.retire', id, now);
    return toCredentialView(
        { ...target, state: 'retired', retiredAt: now.toISOString(), retireAfter: undefined },
        now.getTime(),
    );
}

/** The daily timer: credentials whose grace period ended are retired. */
export async function retireDueCredentials(services: Services, now = new Date()): Promise<string[]> {
    const retired: string[] = [];
    for (const { record } of await listIntegrations(await services.tables.get('integrations'))) {
        for (const c of allCredentials(record)) {
            if (c.state === 'retiring' && c.retireAfter && Date.parse(c.retireAfter) <= now.getTime()) {
                await retireCredential(services, c.id, 'credential-expiry-timer', now, record.id);
                retired.push(`${record.id}/${c.id}`);
            }
        }
    }
    return retired;
}

function requireCredential(integration: IntegrationRecord, id: string): CredentialReference {
    const found = allCredentials(integration).find((c) => c.id === id);
    if (!found)
        throw new ApiError(
            404,
            'credential_not_found',
            `No credential has the id ${id}.`,
            'List credentials with GET /api/manage/integration/credentials.',
        );
    return found;
}

/** Read-modify-write of the integration, stamped; 404 when it is gone, 409 when it kept changing. */
async function updateIntegration(
    services: Services,
    id: string,
    mutate: (record: IntegrationRecord) => void,
    now: Date,
): Promise<IntegrationRecord> {
    const table = await services.tables.get('integrations');
    const updated = await updateStoredIntegration(table, id, (record) => {
        mutate(record);
        record.updatedAt = now.toISOString();
        return record;
    }).catch((e: unknown) => {
        if (!(e instanceof ConcurrentUpdateError)) throw e;
        throw new ApiError(
            409,
            'integration_changed',
            'The integration kept changing while the credential was being updated.',
            'Retry.',
        );
    });
    if (!updated)
        throw new ApiError(
            404,
            'integration_not_configured',
            'No SharePoint/OneDrive integration is configured.',
            'PUT /api/manage/integration first.',
        );
    return updated;
}

async function audit(
    services: Services,
    actor: string,
    action: string,
    credentialId: string,
    now: Date,
): Promise<void> {
    await recordAudit(
        await services.tables.get('audit'),
        { actor, action, target: `default/credentials/${credentialId}`, changed: ['credentials'] },
        now,
    );
}
