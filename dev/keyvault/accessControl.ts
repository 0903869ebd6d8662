import { KeyVaultError } from './errors';

/**
 * A switch that takes the caller's data-plane access away, as removing the app's role assignment (or
 * its access policy) does on a real vault. Every request then answers 403 `Forbidden` with Key Vault's
 * own text for the vault's permission model:
 *
 * - Azure RBAC: innererror `ForbiddenByRbac`, "Caller is not authorized to perform action on
 *   resource." with the caller, the data action, the resource id, "Assignment: (not found)" and
 *   DecisionReason 'DeniedWithNoValidRBAC' (verbatim shape from service responses quoted in
 *   hashicorp/terraform-provider-azurerm#27817 and piyushsachdeva/Terraform_AKS#2).
 * - Access policies: innererror `AccessDenied`, "The user, group or application '…' does not have
 *   secrets get permission on key vault '<name>;location=<region>'." (MicrosoftDocs AKS
 *   troubleshooting for the Key Vault secrets provider).
 *
 * The double accepts any token, so the caller it names is fixed (a made-up object id) unless given.
 */
export interface AccessDenial {
    model: 'rbac' | 'accessPolicy';
    /** Object id of the identity the message names. */
    principalObjectId: string;
    /** Only these secret names are denied (RBAC assignments can be scoped to one secret); all when absent. */
    secrets?: string[];
}

export interface VaultIdentity {
    /** The vault's name in messages (a real vault's is the first label of its host). */
    name: string;
    location: string;
    subscriptionId: string;
    resourceGroup: string;
    tenantId: string;
}

export const DEFAULT_PRINCIPAL_OBJECT_ID = '5b0c1d2e-3f40-4a5b-8c6d-7e8f9a0b1c2d';
const APP_ID = '0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d';

/** The RBAC data action of each secrets operation ("Azure built-in roles for Key Vault data plane"). */
export function dataAction(method: string, segments: string[]): string {
    const [collection, name, action] = segments;
    const base = 'Microsoft.KeyVault/vaults/secrets';
    if (collection === 'deletedsecrets') {
        if (action === 'recover') return `${base}/recover/action`;
        return method === 'DELETE' ? `${base}/purge/action` : `${base}/readMetadata/action`;
    }
    if (!name || action === 'versions') return `${base}/readMetadata/action`;
    switch (method) {
        case 'PUT':
            return `${base}/setSecret/action`;
        case 'PATCH':
            return `${base}/update/action`;
        case 'DELETE':
            return `${base}/delete`;
        default:
            return `${base}/getSecret/action`;
    }
}

/** The access-policy permission word an operation needs (get, list, set, delete, recover, purge). */
function permission(method: string, segments: string[]): string {
    const [collection, name, action] = segments;
    if (collection === 'deletedsecrets')
        return action === 'recover' ? 'recover' : method === 'DELETE' ? 'purge' : 'list';
    if (!name || action === 'versions') return 'list';
    return method === 'PUT' ? 'set' : method === 'DELETE' ? 'delete' : method === 'GET' ? 'get' : 'set';
}

export function deniedBy(denial: AccessDenial | undefined, segments: string[]): boolean {
    if (!denial) return false;
    if (!denial.secrets) return true;
    const name = segments[1]?.toLowerCase();
    return !!name && denial.secrets.some((s) => s.toLowerCase() === name);
}

export function accessDenied(
    denial: AccessDenial,
    vault: VaultIdentity,
    method: string,
    segments: string[],
): KeyVaultError {
    const caller = `appid=${APP_ID};oid=${denial.principalObjectId};iss=https://sts.windows.net/${vault.tenantId}/`;
    if (denial.model === 'accessPolicy') {
        return new KeyVaultError(
            403,
            'Forbidden',
            `The user, group or application '${caller}' does not have secrets ${permission(method, segments)} permission on key vault '${vault.name};location=${vault.location}'. For help resolving this issue, please see https://go.microsoft.com/fwlink/?linkid=2125287`,
            'AccessDenied',
        );
    }
    const vaultId = `/subscriptions/${vault.subscriptionId}/resourcegroups/${vault.resourceGroup}/providers/microsoft.keyvault/vaults/${vault.name}`;
    const resource = segments[1] ? `${vaultId}/secrets/${segments[1].toLowerCase()}` : vaultId;
    return new KeyVaultError(
        403,
        'Forbidden',
        [
            'Caller is not authorized to perform action on resource.',
            'If role assignments, deny assignments or role definitions were changed recently, please observe propagation time.',
            `Caller: ${caller}`,
            `Action: '${dataAction(method, segments)}'`,
            `Resource: '${resource}'`,
            'Assignment: (not found)',
            'DenyAssignmentId: null',
            "DecisionReason: 'DeniedWithNoValidRBAC' ",
            `Vault: ${vault.name};location=${vault.location}`,
            '',
        ].join('\r\n'),
        'ForbiddenByRbac',
    );
}
