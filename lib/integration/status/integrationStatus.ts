import type { Services } from '../../runtime/services';
import { acquireGraphToken, toAccountAuthError } from '../../auth/accessToken';
import { createMsalClient } from '../../auth/msalClient';
import { oauthFailure } from '../../auth/signInErrors';
import { checkAppOnlySites } from '../../credentials/appOnly/sitesCheckpoint';
import {
    activeCredential,
    allCredentials,
    describeCredential,
    isStored,
    type StoredCredential,
} from '../../credentials/credentialModel';
import { checkFederatedCredential } from '../../credentials/federatedCheckpoint';
import { dependencyFaultIn } from '../../dependencies/classify';
import type { DriveStatus } from '../../drives/driveRecord';
import { listDrives } from '../../drives/driveRepository';
import { readClientSecret } from '../clientSecretVault';
import { cloudEndpoints } from '../cloud';
import type { IntegrationRecord } from '../integrationRepository';
import { resolveTenant } from '../tenantResolver';
import { probeAuthorize } from './authorizeProbe';
import { Checkpoint, checkpoint } from './checkpoint';

export interface IntegrationStatus {
    status: 'ok' | 'failing' | 'warning';
    checkedAt: string;
    cached: boolean;
    checkpoints: Checkpoint[];
}

const CACHE_MS = 60_000;
const SECRET_WARNING_DAYS = 30;
const cache = new Map<string, IntegrationStatus>();

/** The admin guide's checkpoints, verified live against Entra, Graph and Key Vault; cached for a minute. */
export async function integrationStatus(
    services: Services,
    integration: IntegrationRecord,
    refresh: boolean,
    now = Date.now(),
): Promise<IntegrationStatus> {
    const key = `${integration.id}:${integration.updatedAt}:${integration.fault?.code ?? ''}`;
    const hit = cache.get(key);
    if (hit && !refresh && now - Date.parse(hit.checkedAt) < CACHE_MS) return { ...hit, cached: true };
    const checkpoints = await runCheckpoints(services, integration, now);
    const status: IntegrationStatus = {
        status: checkpoints.some((c) => c.status === 'fail')
            ? 'failing'
            : checkpoints.some((c) => c.status === 'warn' || c.status === 'pending')
              ? 'warning'
              : 'ok',
        checkedAt: new Date(now).toISOString(),
        cached: false,
        checkpoints,
    };
    cache.set(key, status);
    return status;
}

async function runCheckpoints(services: Services, integration: IntegrationRecord, now: number): Promise<Checkpoint[]> {
    const { authorityHost, graphResource } = cloudEndpoints(integration.cloud, services.config.m365);
    const tenant = await checkTenant(authorityHost, integration);
    if (tenant.status === 'fail') {
        return [
            tenant,
            ...(['application', 'redirect_uri', 'client_secret', 'consent'] as const).map((id) =>
                checkpoint(id, 'pending', 'Not checked: the tenant was not found.'),
            ),
            await checkKeyVault(services, integration),
            await checkDrives(services, integration),
        ];
    }
    const [registration, secret, federated, vault, drives, appOnly] = await Promise.all([
        checkRegistration(`${authorityHost}/${integration.tenantId}`, integration),
        checkCredential(services, integration, graphResource, now),
        checkFederatedCredential(services, integration),
        checkKeyVault(services, integration),
        checkDrives(services, integration),
        checkAppOnlySites(services, integration),
    ]);
    const consent = await checkConsent(services, integration);
    // Optional checkpoints appear only when the deployment uses the feature.
    return [
        tenant,
        ...registration,
        secret,
        ...(federated ? [federated] : []),
        consent,
        ...(appOnly ? [appOnly] : []),
        vault,
        drives,
    ];
}

async function checkTenant(authorityHost: string, integration: IntegrationRecord): Promise<Checkpoint> {
    const resolved = await resolveTenant(authorityHost, integration.tenantDomain ?? integration.tenantId);
    if (resolved.ok) return checkpoint('tenant', 'pass', `Entra publishes metadata for tenant ${resolved.tenantId}.`);
    return checkpoint('tenant', 'fail', resolved.message, {
        code: resolved.code === 'tenant_not_found' ? 'AADSTS90002' : undefined,
        hint: "Check the Directory (tenant) ID on the app registration's Overview page.",
    });
}

async function checkRegistration(authority: string, integration: IntegrationRecord): Promise<Checkpoint[]> {
    const probe = await probeAuthorize(authority, integration.clientId, integration.redirectUri, 'openid');
    if (probe.ok) {
        return [
            checkpoint('application', 'pass', `Entra knows the application ${integration.clientId}.`),
            checkpoint('redirect_uri', 'pass', `Entra accepts ${integration.redirectUri} for this application.`),
        ];
    }
    const failure = oauthFailure('error', probe.aadsts ? `AADSTS${probe.aadsts}` : undefined);
    if (probe.aadsts === '700016') {
        return [
            checkpoint(
                'application',
                'fail',
                `Application not found: ${integration.clientId} is not registered in this tenant.`,
                { code: 'AADSTS700016', hint: failure.hint },
            ),
            checkpoint('redirect_uri', 'pending', 'Not checked: the application was not found.'),
        ];
    }
    if (probe.aadsts === '50011') {
        return [
            checkpoint('application', 'pass', `Entra knows the application ${integration.clientId}.`),
            checkpoint(
                'redirect_uri',
                'fail',
                `Invalid redirect URI: ${integration.redirectUri} is not registered for this application.`,
                { code: 'AADSTS50011', hint: failure.hint },
            ),
        ];
    }
    const code = probe.aadsts ? `AADSTS${probe.aadsts}` : `HTTP ${probe.status}`;
    return [
        checkpoint('application', 'fail', `Entra refused the sign-in request (${code}).`, {
            code: probe.aadsts ? code : undefined,
            hint: notThisPage(failure.hint, probe.aadsts ? code : undefined),
        }),
        checkpoint('redirect_uri', 'pending', 'Not checked.'),
    ];
}

/** The active credential (secret, certificate or federated), proven with a client-credentials token. */
async function checkCredential(
    services: Services,
    integration: IntegrationRecord,
    graphResource: string,
    now: number,
): Promise<Checkpoint> {
    const credential = activeCredential(integration);
    if (!credential)
        return checkpoint('client_secret', 'fail', 'No client credential is configured.', {
            hint: 'PUT /api/manage/integration with clientSecret and clientSecretExpiresOn, or add a credential under /api/manage/integration/credentials.',
        });
    const what = describeCredential(credential);
    try {
        // Live: read from Key Vault now (the instance's cached value would hide a deleted secret).
        if (isStored(credential)) await readClientSecret(services.secrets, credential);
        const cca = await createMsalClient(services, integration);
        await cca.acquireTokenByClientCredential({ scopes: [`${graphResource}/.default`], skipCache: true });
    } catch (e) {
        const fault = dependencyFaultIn(e);
        if (fault) return checkpoint('client_secret', 'fail', fault.message, { code: fault.code, hint: fault.hint });
        const failure = toAccountAuthError(e).failure;
        const code = failure.message.match(/AADSTS\d+/)?.[0];
        return checkpoint('client_secret', 'fail', `${failure.message} (${what}).`, {
            code,
            hint: notThisPage(failure.hint, code),
        });
    }
    if (!('expiresOn' in credential))
        return checkpoint('client_secret', 'pass', `Entra issued a token with the ${what}; nothing expires.`);
    const days = Math.floor((Date.parse(credential.expiresOn) - now) / 86_400_000);
    const evidence = `Entra issued a token with ${what}; it expires ${credential.expiresOn.slice(0, 10)}, in ${days} day${days === 1 ? '' : 's'}.`;
    if (days < SECRET_WARNING_DAYS)
        return checkpoint('client_secret', 'warn', evidence, {
            hint: 'Add a new credential before this one expires (POST /api/manage/integration/credentials, then promote it: every drive stays connected).',
        });
    return checkpoint('client_secret', 'pass', evidence);
}

/**
 * Delegated admin consent shows in the `scp` claim of a connected account's token. Before the first
 * connection there is no such token; the connect flow then reports AADSTS65001 if consent is missing.
 */
async function checkConsent(services: Services, integration: IntegrationRecord): Promise<Checkpoint> {
    const required = integration.scopes.filter((s) => !['offline_access', 'openid', 'profile'].includes(s));
    const drive = (await listDrives(await services.tables.get('drives'), integration.id)).find(
        (d) => d.auth !== 'app' && d.account && d.status === 'connected',
    );
    if (!drive?.account)
        return checkpoint('consent', 'pending', `Verified at the first connection; required: ${required.join(', ')}.`, {
            hint: 'Connect a drive; if consent is missing the sign-in reports "Insufficient permissions".',
        });
    let token: string;
    try {
        token = await acquireGraphToken(services, integration, drive.account.homeAccountId);
    } catch (e) {
        return checkpoint(
            'consent',
            'pending',
            `Could not get a token for ${drive.account.username}: ${(e as Error).message}`,
        );
    }
    const granted = new Set(
        (decodeClaims(token).scp ?? '').split(' ').map((s) => s.replace(/^https?:\/\/[^/]+\//, '')),
    );
    const missing = required.filter((s) => !granted.has(s));
    if (missing.length === 0)
        return checkpoint('consent', 'pass', `A token for ${drive.account.username} carries ${required.join(', ')}.`);
    return checkpoint('consent', 'fail', `Insufficient permissions: the token lacks ${missing.join(', ')}.`, {
        code: 'AADSTS65001',
        hint: 'In the app registration\'s API permissions, add them and select "Grant admin consent".',
    });
}

function decodeClaims(jwt: string): { scp?: string } {
    try {
        return JSON.parse(Buffer.from(jwt.split('.')[1] ?? '', 'base64url').toString('utf8')) as { scp?: string };
    } catch {
        return {};
    }
}

async function checkKeyVault(services: Services, integration: IntegrationRecord): Promise<Checkpoint> {
    const inUse = allCredentials(integration).filter((c) => c.state !== 'retired');
    if (inUse.length === 0) return checkpoint('key_vault', 'pending', 'No credential stored yet.');
    const stored =
        inUse.find((c): c is StoredCredential => isStored(c) && c.state === 'active') ??
        inUse.find((c): c is StoredCredential => isStored(c));
    try {
        if (!stored) {
            // Federated credentials need no stored secret; the vault still holds the token-cache key.
            await services.secrets.listPropertiesOfSecrets().byPage({ maxPageSize: 1 }).next();
            return checkpoint(
                'key_vault',
                'pass',
                `Listed secrets in ${services.config.keyVault.url} (no credential is stored there: the integration's credential is federated).`,
            );
        }
        const p = await services.secrets.getSecret(stored.secretName, { version: stored.version });
        return checkpoint(
            'key_vault',
            'pass',
            `Read ${p.name} version ${p.properties.version?.slice(0, 8)}… from ${services.config.keyVault.url}.`,
        );
    } catch (e) {
        const fault = dependencyFaultIn(e);
        if (fault) return checkpoint('key_vault', 'fail', fault.message, { code: fault.code, hint: fault.hint });
        return checkpoint(
            'key_vault',
            'fail',
            `Key Vault answered unexpectedly: ${(e as Error)?.message ?? e}`.slice(0, 300),
            {
                hint: `Check KEY_VAULT_URL (${services.config.keyVault.url}) and the function logs.`,
            },
        );
    }
}

async function checkDrives(services: Services, integration: IntegrationRecord): Promise<Checkpoint> {
    const drives = await listDrives(await services.tables.get('drives'), integration.id);
    const unhealthy = drives.filter((d) => UNHEALTHY.includes(d.status));
    if (drives.length === 0) return checkpoint('drives', 'pending', 'No drives yet.');
    if (unhealthy.length === 0 && integration.fault)
        return checkpoint('drives', 'fail', `No drive can sync: ${integration.fault.message}`, {
            code: integration.fault.code,
            hint: integration.fault.hint,
        });
    if (unhealthy.length === 0) return checkpoint('drives', 'pass', `${drives.length} drive(s); none needs attention.`);
    const first = unhealthy[0]!;
    return checkpoint(
        'drives',
        'fail',
        unhealthy.map((d) => `${d.name}: ${d.status} (${d.statusCause?.code ?? 'unknown'})`).join('; '),
        {
            ...(first.status === 'credential_unavailable' ? { code: first.statusCause?.code } : {}),
            hint: notThisPage(
                first.statusCause?.hint,
                undefined,
                'Reconnect the drive (POST /api/drives/{driveId}/reconnect).',
            ),
        },
    );
}

const UNHEALTHY: readonly DriveStatus[] = ['needs_reauth', 'access_lost', 'credential_unavailable'];

/**
 * Hints shown on this page never send the admin back to it ("Check /api/manage/integration/status
 * for the failing checkpoint" is right elsewhere, circular here): such a hint becomes one that names
 * where the answer is.
 */
function notThisPage(hint: string | undefined, aadsts?: string, fallback?: string): string {
    if (hint && !hint.includes('/api/manage/integration/status')) return hint;
    if (fallback) return fallback;
    return aadsts
        ? `Look up ${aadsts} in Microsoft's Entra error reference (https://login.microsoftonline.com/error?code=${aadsts.replace('AADSTS', '')}) and fix the app registration it names.`
        : 'Check the app registration in the Entra admin center (Overview, Authentication, Certificates & secrets, API permissions) against the setup guide.';
}
