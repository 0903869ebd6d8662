import { ApiError } from '../http/apiError';

/**
 * The service's own dependencies failing: Key Vault, Table/Queue/Blob storage (which also carries the
 * Functions host's queues), the managed identity that signs requests to both, and the state the
 * service keeps there (token cache, table rows). One taxonomy, used by runs, transfers and routes:
 * every fault has a stable `code`, says whether it is a CONFIGURATION fault (someone must change
 * something: retrying in a loop cannot help) or a TRANSIENT one (retried with backoff and a cap), and
 * carries a hint that names the fix.
 *
 * A DependencyFault is an ApiError (503 Service Unavailable), so a route that meets one answers with its
 * code and hint instead of a 500; transient ones add Retry-After.
 */
export type Dependency = 'key_vault' | 'table' | 'queue' | 'blob' | 'identity' | 'token_cache';

export type FaultKind =
    'secret_missing' | 'secret_disabled' | 'access_denied' | 'not_found' | 'throttled' | 'unreachable' | 'corrupt_row';

/** Every code, with whether retrying can help. */
export const DEPENDENCY_FAULT_CODES = {
    /** The integration's client secret / certificate is not in Key Vault (deleted, purged, never there). */
    credential_missing: { configuration: true },
    /** The integration's credential version is disabled in Key Vault. */
    credential_disabled: { configuration: true },
    /** Another secret the service keeps (token-cache key, webhook signing key) is deleted. */
    key_vault_secret_missing: { configuration: true },
    key_vault_secret_disabled: { configuration: true },
    /** The app's identity has no data-plane role (or access policy) on the vault. */
    key_vault_forbidden: { configuration: true },
    key_vault_throttled: { configuration: false },
    key_vault_unreachable: { configuration: false },
    /** The managed identity (or developer credential) cannot get a token for Key Vault or storage. */
    identity_unavailable: { configuration: true },
    /** The app's identity lacks a storage data role (or shared-key access is disabled). */
    storage_forbidden: { configuration: true },
    /** A table, queue or container the service created is gone (recreated by the next instance). */
    storage_not_found: { configuration: false },
    storage_throttled: { configuration: false },
    storage_unreachable: { configuration: false },
    /** Other writers kept winning the token cache's ETag race. */
    token_cache_conflict: { configuration: false },
    /** A row the service wrote is no longer readable (not JSON, wrong shape). */
    state_corrupt: { configuration: true },
} as const;

export type DependencyFaultCode = keyof typeof DEPENDENCY_FAULT_CODES;

export interface DependencyFaultInit {
    code: DependencyFaultCode;
    dependency: Dependency;
    kind: FaultKind;
    message: string;
    hint: string;
    /** The Key Vault secret involved (Key Vault faults). */
    secretName?: string;
    secretVersion?: string;
    /** HTTP status and service error code behind the fault, for logs and support cases. */
    status?: number;
    serviceCode?: string;
    retryAfterSeconds?: number;
    cause?: unknown;
}

export class DependencyFault extends ApiError {
    declare readonly code: DependencyFaultCode;
    readonly dependency: Dependency;
    readonly kind: FaultKind;
    /** A configuration fault is not retried in a loop: the run fails once and the state says why. */
    readonly configuration: boolean;
    readonly secretName?: string;
    readonly secretVersion?: string;
    readonly upstreamStatus?: number;
    readonly serviceCode?: string;
    readonly retryAfterSeconds?: number;

    constructor(init: DependencyFaultInit) {
        super(503, init.code, init.message, init.hint);
        this.name = 'DependencyFault';
        this.dependency = init.dependency;
        this.kind = init.kind;
        this.configuration = DEPENDENCY_FAULT_CODES[init.code].configuration;
        this.secretName = init.secretName;
        this.secretVersion = init.secretVersion;
        this.upstreamStatus = init.status;
        this.serviceCode = init.serviceCode;
        this.retryAfterSeconds = init.retryAfterSeconds;
        if (init.cause !== undefined) Object.defineProperty(this, 'cause', { value: init.cause, enumerable: false });
    }

    get retryable(): boolean {
        return !this.configuration;
    }

    /** What a run record, a drive's statusCause or an alert shows. */
    describe(): { code: DependencyFaultCode; message: string; hint: string } {
        return { code: this.code, message: this.message, hint: this.hint! };
    }

    override toResponse(headers?: Record<string, string>) {
        const retryAfter = this.configuration ? undefined : String(Math.max(1, this.retryAfterSeconds ?? 30));
        return super.toResponse({ ...(retryAfter ? { 'retry-after': retryAfter } : {}), ...headers });
    }
}

export function isDependencyFaultCode(code: string | undefined): code is DependencyFaultCode {
    return !!code && Object.prototype.hasOwnProperty.call(DEPENDENCY_FAULT_CODES, code);
}

/** Key Vault faults that concern the integration's own credential: its drives cannot sync until fixed. */
export function isCredentialFault(fault: Pick<DependencyFault, 'code'>): boolean {
    return [
        'credential_missing',
        'credential_disabled',
        'key_vault_secret_missing',
        'key_vault_secret_disabled',
        'key_vault_forbidden',
        'identity_unavailable',
    ].includes(fault.code);
}

/** A row the service wrote that it can no longer read: named, so an operator can repair or delete it. */
export function corruptRow(table: string, partitionKey: string, rowKey: string, cause: unknown): DependencyFault {
    return new DependencyFault({
        code: 'state_corrupt',
        dependency: 'table',
        kind: 'corrupt_row',
        message: `The row ${partitionKey}/${rowKey} of table ${table} is not readable (${cause instanceof Error ? cause.message.slice(0, 120) : 'invalid'}).`,
        hint: `Restore the row from a backup, or delete it with Azure Storage Explorer (table ${table}, PartitionKey ${partitionKey}, RowKey ${rowKey}) and configure what it held again.`,
        cause,
    });
}
