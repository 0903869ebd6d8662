import { isRestError, type RestError } from '@azure/core-rest-pipeline';
import { getConfig, type Config } from '../config/config';
import { DependencyFault } from './dependencyFault';
import { keyVaultHints, storageHints, type StorageService } from './hints';

/**
 * Turns what the SDKs throw into a {@link DependencyFault}: a RestError from Key Vault or storage
 * (read through `isRestError`, status code and the service's error code), an @azure/identity error,
 * or a token-cache ETag race. Looks through wrappers: the Graph client's `customError` and an Error's
 * `cause`. Returns undefined for anything that is not a dependency fault (a bug stays a bug).
 *
 * Sources for the service answers recognised here:
 * - Key Vault: 404 `SecretNotFound`; 403 `Forbidden` with innererror `SecretDisabled` (a disabled
 *   version, Azure/azure-sdk-for-js#24756) or `ForbiddenByRbac` (no data-plane role; body quoted in
 *   hashicorp/terraform-provider-azurerm#27817) or `AccessDenied` (access-policy vaults); 409 `Conflict`
 *   `ObjectIsDeletedButRecoverable` (the name of a soft-deleted secret); 429 `Throttled`.
 * - Storage: "Common REST API error codes" (learn.microsoft.com/rest/api/storageservices): 503
 *   `ServerBusy`, 500 `OperationTimedOut` / `InternalError`, 403 `AuthorizationPermissionMismatch` /
 *   `AuthorizationFailure` / `AuthenticationFailed` / `KeyBasedAuthenticationNotPermitted`.
 */
/** The settings the classifier reads: where Key Vault and storage are, and the app's identity. */
export type FaultConfig = Pick<Config, 'keyVault' | 'storage' | 'credential'>;

export function dependencyFaultIn(e: unknown, config?: FaultConfig): DependencyFault | undefined {
    const seen = new Set<unknown>();
    for (let current: unknown = e; current && !seen.has(current) && seen.size < 6; current = innerOf(current)) {
        seen.add(current);
        if (current instanceof DependencyFault) return current;
        const fault = classifyOne(current, config);
        if (fault) return fault;
    }
    return undefined;
}

function innerOf(e: unknown): unknown {
    const o = e as { customError?: unknown; cause?: unknown } | null;
    return o?.customError ?? o?.cause;
}

function classifyOne(e: unknown, config?: FaultConfig): DependencyFault | undefined {
    if (isRestError(e)) return classifyRestError(e, config ?? configOrUndefined());
    const name = (e as { name?: string } | null)?.name;
    if (name && IDENTITY_ERRORS.has(name)) {
        const hints = keyVaultHints(config ?? configOrUndefined());
        return new DependencyFault({
            code: 'identity_unavailable',
            dependency: 'identity',
            kind: 'access_denied',
            message: `The app's identity could not get a token (${name}: ${firstLine((e as Error).message)}).`,
            hint: hints.identity(),
            cause: e,
        });
    }
    if (name === 'TokenCacheError' && (e as { code?: string }).code === 'token_cache_conflict') {
        return new DependencyFault({
            code: 'token_cache_conflict',
            dependency: 'token_cache',
            kind: 'throttled',
            message: 'Other instances kept updating the same sign-in in the token cache.',
            hint: 'Nothing to do: the run is retried automatically.',
            cause: e,
        });
    }
    return undefined;
}

const IDENTITY_ERRORS = new Set(['CredentialUnavailableError', 'AuthenticationError', 'AggregateAuthenticationError']);

const NETWORK_CODES = new Set([
    'ECONNREFUSED',
    'ECONNRESET',
    'ETIMEDOUT',
    'ENOTFOUND',
    'EAI_AGAIN',
    'EPIPE',
    'EHOSTUNREACH',
    'ENETUNREACH',
    'UND_ERR_SOCKET',
    'UND_ERR_CONNECT_TIMEOUT',
    'REQUEST_SEND_ERROR',
]);

function classifyRestError(e: RestError, config: FaultConfig | undefined): DependencyFault | undefined {
    const url = safeUrl(e.request?.url);
    if (url && isKeyVault(url, config)) return classifyKeyVault(e, url, config);
    return classifyStorage(e, url ? storageServiceOf(url, config) : 'table', config);
}

function classifyKeyVault(e: RestError, url: URL, config: FaultConfig | undefined): DependencyFault | undefined {
    const status = e.statusCode;
    const inner = innerCode(e);
    const { secretName, secretVersion } = secretOf(url);
    const hints = keyVaultHints(config, url);
    const credential = !!secretName && isCredentialSecret(secretName);
    const vault = url.host;
    const what = secretName
        ? `secret ${secretName}${secretVersion ? ` (version ${secretVersion.slice(0, 8)}…)` : ''}`
        : 'the vault';
    const base = {
        dependency: 'key_vault' as const,
        secretName,
        secretVersion,
        status,
        serviceCode: inner ?? e.code,
        cause: e,
    };
    if (status === 404 || (status === 409 && inner === 'ObjectIsDeletedButRecoverable')) {
        const deleted = status === 409;
        return new DependencyFault({
            ...base,
            code: credential ? 'credential_missing' : 'key_vault_secret_missing',
            kind: 'secret_missing',
            message:
                `Key Vault ${vault} has no ${what}${deleted ? ': it is deleted (recoverable)' : ''}${credential ? ", so the integration's credential cannot be read" : ''} (${status} ${inner ?? e.code ?? ''}).`.replace(
                    ' )',
                    ')',
                ),
            hint: credential ? hints.credentialMissing(secretName!) : hints.secretMissing(secretName ?? 'the secret'),
        });
    }
    if (status === 403 && inner === 'SecretDisabled') {
        return new DependencyFault({
            ...base,
            code: credential ? 'credential_disabled' : 'key_vault_secret_disabled',
            kind: 'secret_disabled',
            message: `Key Vault ${vault} refuses to read ${what}: that version is disabled (403 SecretDisabled).`,
            hint: credential
                ? hints.credentialDisabled(secretName!, secretVersion)
                : hints.secretDisabled(secretName ?? 'the secret', secretVersion),
        });
    }
    if (status === 403) {
        return new DependencyFault({
            ...base,
            code: 'key_vault_forbidden',
            kind: 'access_denied',
            message: `Key Vault ${vault} denied the app's identity access to ${what} (403 ${inner ?? e.code ?? 'Forbidden'}).`,
            hint: hints.forbidden(e.message, inner),
        });
    }
    if (status === 401) {
        return new DependencyFault({
            ...base,
            code: 'identity_unavailable',
            dependency: 'identity',
            kind: 'access_denied',
            message: `Key Vault ${vault} did not accept the app's token (401 ${e.code ?? 'Unauthorized'}).`,
            hint: hints.identity(),
        });
    }
    if (status === 429) {
        return new DependencyFault({
            ...base,
            code: 'key_vault_throttled',
            kind: 'throttled',
            message: `Key Vault ${vault} is throttling requests (429).`,
            hint: 'Nothing to do: retried automatically with backoff. If it persists, another application is using up the vault\'s request budget ("Azure Key Vault service limits").',
            retryAfterSeconds: retryAfterOf(e),
        });
    }
    if (status === undefined || status >= 500 || status === 408 || NETWORK_CODES.has(e.code ?? '')) {
        return new DependencyFault({
            ...base,
            code: 'key_vault_unreachable',
            kind: 'unreachable',
            message: `Key Vault ${vault} did not answer (${status ?? e.code ?? 'no response'}).`,
            hint: hints.unreachable(),
            retryAfterSeconds: retryAfterOf(e),
        });
    }
    return undefined;
}

function classifyStorage(
    e: RestError,
    service: StorageService,
    config: Pick<Config, 'storage'> | undefined,
): DependencyFault | undefined {
    const status = e.statusCode;
    // data-tables leaves `code` unset for some answers; the service always sends x-ms-error-code.
    const code = e.code ?? e.response?.headers.get('x-ms-error-code') ?? '';
    const hints = storageHints(config, service);
    const base = { dependency: service, status, serviceCode: code || undefined, cause: e };
    const label = `${service[0]!.toUpperCase()}${service.slice(1)} storage`;
    if (status === 403) {
        return new DependencyFault({
            ...base,
            code: 'storage_forbidden',
            kind: 'access_denied',
            message: `${label} denied the app's identity (403 ${code || 'Forbidden'}).`,
            hint: hints.forbidden(code),
        });
    }
    if (status === 404 && ['TableNotFound', 'QueueNotFound', 'ContainerNotFound'].includes(code)) {
        return new DependencyFault({
            ...base,
            code: 'storage_not_found',
            kind: 'not_found',
            message: `${label}: ${code} (something deleted what the service created).`,
            hint: "Nothing to do if it was a mistake: a new instance creates it again (restart the function app to do it now). Do not delete the service's tables, queues or container by hand.",
        });
    }
    if (status === 429 || status === 503) {
        return new DependencyFault({
            ...base,
            code: 'storage_throttled',
            kind: 'throttled',
            message: `${label} is throttling requests (${status} ${code || 'ServerBusy'}).`,
            hint: hints.throttled(),
            retryAfterSeconds: retryAfterOf(e),
        });
    }
    if (status === undefined || status >= 500 || status === 408 || NETWORK_CODES.has(code)) {
        return new DependencyFault({
            ...base,
            code: 'storage_unreachable',
            kind: 'unreachable',
            message: `${label} did not answer (${status ? `${status} ${code}`.trim() : code || 'no response'}).`,
            hint: hints.unreachable(),
            retryAfterSeconds: retryAfterOf(e),
        });
    }
    return undefined;
}

/** The SDK deserialises Key Vault's `innererror` as details.error.innerError. */
function innerCode(e: RestError): string | undefined {
    const details = e.details as
        { error?: { innerError?: { code?: string }; innererror?: { code?: string } } } | undefined;
    return details?.error?.innerError?.code ?? details?.error?.innererror?.code;
}

function secretOf(url: URL): { secretName?: string; secretVersion?: string } {
    const [collection, name, version] = url.pathname.split('/').filter(Boolean).map(decodeURIComponent);
    if ((collection !== 'secrets' && collection !== 'deletedsecrets') || !name) return {};
    return { secretName: name, secretVersion: version && version !== 'versions' ? version : undefined };
}

/** Names from lib/integration/clientSecretVault.ts and lib/credentials/credentialVault.ts. */
export function isCredentialSecret(name: string): boolean {
    return /^integration-.+-(client-secret|credential-cred-[0-9a-f]+)$/i.test(name);
}

const VAULT_SUFFIXES = ['.vault.azure.net', '.vault.azure.cn', '.vault.usgovcloudapi.net', '.vault.microsoftazure.de'];

function isKeyVault(url: URL, config: Pick<Config, 'keyVault'> | undefined): boolean {
    if (VAULT_SUFFIXES.some((s) => url.hostname.endsWith(s))) return true;
    const configured = safeUrl(config?.keyVault.url);
    return !!configured && configured.host === url.host;
}

/** Which storage service a request went to: the configured endpoints first, then Azure's host names. */
function storageServiceOf(url: URL, config: Pick<Config, 'storage'> | undefined): StorageService {
    for (const [service, endpoint] of storageEndpoints(config))
        if (endpoint && url.href.startsWith(endpoint)) return service;
    const host = url.hostname;
    if (host.includes('.table.')) return 'table';
    if (host.includes('.queue.')) return 'queue';
    if (host.includes('.blob.') || host.includes('.dfs.')) return 'blob';
    return /\/Tables\b|\(PartitionKey=|\/\$batch/.test(url.pathname)
        ? 'table'
        : url.pathname.includes('/messages')
          ? 'queue'
          : 'blob';
}

export function storageEndpoints(config: Pick<Config, 'storage'> | undefined): [StorageService, string | undefined][] {
    const s = config?.storage;
    if (!s) return [];
    if (s.kind === 'identity')
        return [
            ['table', s.tableServiceUri],
            ['queue', s.queueServiceUri],
            ['blob', s.blobServiceUri],
        ];
    const part = (key: string) => new RegExp(`(?:^|;)${key}=([^;]+)`, 'i').exec(s.connectionString)?.[1];
    return [
        ['table', part('TableEndpoint')],
        ['queue', part('QueueEndpoint')],
        ['blob', part('BlobEndpoint')],
    ];
}

function retryAfterOf(e: RestError): number | undefined {
    const raw = e.response?.headers.get('retry-after');
    if (!raw) return undefined;
    const seconds = Number(raw);
    if (Number.isFinite(seconds)) return Math.max(0, seconds);
    const at = Date.parse(raw);
    return Number.isFinite(at) ? Math.max(0, Math.ceil((at - Date.now()) / 1000)) : undefined;
}

function safeUrl(raw: string | undefined): URL | undefined {
    try {
        return raw ? new URL(raw) : undefined;
    } catch {
        return undefined;
    }
}

function configOrUndefined(): Config | undefined {
    try {
        return getConfig();
    } catch {
        return undefined;
    }
}

function firstLine(text: string | undefined): string {
    return (text ?? '').split('\n')[0]!.slice(0, 200);
}
