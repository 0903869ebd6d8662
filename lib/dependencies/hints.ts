import type { Config } from '../config/config';

/**
 * What to do about each dependency fault, naming the exact fix: the API call, the Key Vault secret and
 * vault, the role and the identity. Roles are the ones infra/modules/rbac.bicep assigns to the
 * function app's identity. No hint points back at the page that shows it.
 */
export type StorageService = 'table' | 'queue' | 'blob';

const SECRETS_OFFICER = 'Key Vault Secrets Officer';

/** Data-plane roles per storage service, as rbac.bicep grants them. */
const STORAGE_ROLES: Record<StorageService, string> = {
    table: 'Storage Table Data Contributor',
    queue: 'Storage Queue Data Contributor',
    blob: 'Storage Blob Data Owner',
};

export function keyVaultHints(
    config: (Pick<Config, 'keyVault'> & Partial<Pick<Config, 'credential'>>) | undefined,
    url?: URL,
) {
    const vaultUrl = url ? url.origin : (config?.keyVault.url ?? 'KEY_VAULT_URL');
    const name = vaultName(vaultUrl);
    const vault = name ? `${name} (${vaultUrl})` : vaultUrl;
    const cli = name ?? '<vault>';
    const credential = config?.credential;
    const resumes = 'Sync resumes by itself once it is fixed.';
    return {
        credentialMissing(secretName: string): string {
            if (/-client-secret$/i.test(secretName))
                return `Re-enter the client secret (PUT /api/manage/integration with clientSecret and clientSecretExpiresOn), or recover it in Key Vault ${vault}: az keyvault secret recover --vault-name ${cli} --name ${secretName}. ${resumes}`;
            return `Recover the credential in Key Vault ${vault} (az keyvault secret recover --vault-name ${cli} --name ${secretName}), or add a new one (POST /api/manage/integration/credentials) and promote it (POST /api/manage/integration/credentials/{id}/promote). ${resumes}`;
        },
        credentialDisabled(secretName: string, version?: string): string {
            return `Enable the secret again in Key Vault ${vault} (az keyvault secret set-attributes --vault-name ${cli} --name ${secretName}${version ? ` --version ${version}` : ''} --enabled true), or re-enter the client secret (PUT /api/manage/integration). ${resumes}`;
        },
        secretMissing(secretName: string): string {
            return `Recover the secret ${secretName} in Key Vault ${vault}: az keyvault secret recover --vault-name ${cli} --name ${secretName}. ${resumes}`;
        },
        secretDisabled(secretName: string, version?: string): string {
            return `Enable the secret ${secretName} again in Key Vault ${vault}: az keyvault secret set-attributes --vault-name ${cli} --name ${secretName}${version ? ` --version ${version}` : ''} --enabled true. ${resumes}`;
        },
        /** `message` is Key Vault's own text: it names the caller's object id and the vault's resource id. */
        forbidden(message: string, innerCode?: string): string {
            const oid = /oid=([0-9a-f-]{36})/i.exec(message)?.[1];
            const scope = /Resource: '([^']*\/vaults\/[^/']+)/i.exec(message)?.[1];
            const who = oid ? `the function app's identity (object id ${oid})` : identityName(credential);
            if (innerCode === 'AccessDenied')
                return `The vault ${vault} uses access policies: give ${who} the secret permissions get, list, set, delete and recover (az keyvault set-policy --name ${cli} --object-id ${oid ?? '<object id>'} --secret-permissions get list set delete recover), or switch the vault to Azure RBAC and grant the "${SECRETS_OFFICER}" role. ${resumes}`;
            return `Grant ${who} the "${SECRETS_OFFICER}" role on the vault ${vault} ("Key Vault Secrets User" can only read; the service also writes secrets): az role assignment create --role "${SECRETS_OFFICER}" --assignee-object-id ${oid ?? '<object id>'} --assignee-principal-type ServicePrincipal --scope ${scope ?? `<resource id of ${cli}>`} (or run azd provision, which assigns it). Role assignments take a few minutes to apply. ${resumes}`;
        },
        identity(): string {
            return `Make sure ${identityName(credential)} exists, is assigned to the function app (Identity blade) and belongs to the vault's tenant; AZURE_CREDENTIAL and AZURE_CLIENT_ID must name it. ${resumes}`;
        },
        unreachable(): string {
            return `Check that ${vaultUrl} (KEY_VAULT_URL) resolves and accepts connections from the function app (vault firewall, private endpoint, DNS). Runs retry with backoff and resume once it answers.`;
        },
    };
}

export function storageHints(config: Pick<Config, 'storage'> | undefined, service: StorageService) {
    const account = accountOf(config);
    return {
        forbidden(code: string): string {
            if (code === 'KeyBasedAuthenticationNotPermitted')
                return `The storage account${account ? ` ${account}` : ''} does not allow shared-key access: configure SyncStorage__tableServiceUri, SyncStorage__queueServiceUri and SyncStorage__blobServiceUri (identity-based) instead of a connection string.`;
            return `Grant the function app's identity the "${STORAGE_ROLES[service]}" role on the storage account${account ? ` ${account}` : ''} (azd provision assigns it; see infra/modules/rbac.bicep). Role assignments take a few minutes to apply.`;
        },
        throttled(): string {
            return `Nothing to do for a short burst: requests are retried with backoff. If it persists, the account${account ? ` ${account}` : ''} is over its scalability targets (another workload sharing it, or a hot partition).`;
        },
        unreachable(): string {
            return `Check that the storage account${account ? ` ${account}` : ''} is reachable from the function app (firewall, private endpoints, DNS). Runs retry with backoff and resume once it answers.`;
        },
    };
}

function identityName(credential: Config['credential'] | undefined): string {
    if (!credential) return "the function app's managed identity";
    if (credential.kind === 'dev') return 'the local development credential';
    return credential.managedIdentityClientId
        ? `the managed identity with client id ${credential.managedIdentityClientId} (AZURE_CLIENT_ID)`
        : "the function app's system-assigned managed identity";
}

/** `kv-abc` for https://kv-abc.vault.azure.net; undefined for a local double on localhost. */
export function vaultName(vaultUrl: string): string | undefined {
    try {
        const host = new URL(vaultUrl).hostname;
        return host.includes('.vault.') ? host.split('.')[0] : undefined;
    } catch {
        return undefined;
    }
}

function accountOf(config: Pick<Config, 'storage'> | undefined): string | undefined {
    const s = config?.storage;
    if (!s) return undefined;
    if (s.kind === 'identity') {
        try {
            return new URL(s.tableServiceUri).hostname.split('.')[0];
        } catch {
            return undefined;
        }
    }
    return /(?:^|;)AccountName=([^;]+)/i.exec(s.connectionString)?.[1];
}
