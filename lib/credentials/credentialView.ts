import type { CredentialReference } from './credentialModel';

/** Metadata only: never a value, a private key or a Key Vault secret's content. */
export type CredentialView = (CredentialReference extends infer C
    ? C extends CredentialReference
        ? Omit<C, 'createdBy'>
        : never
    : never) & { daysToExpiry?: number };

export function toCredentialView(c: CredentialReference, now: number): CredentialView {
    const { createdBy: _by, ...rest } = c;
    const expiresOn = 'expiresOn' in c ? Date.parse(c.expiresOn) : undefined;
    return {
        ...rest,
        ...(expiresOn !== undefined && c.state !== 'retired'
            ? { daysToExpiry: Math.floor((expiresOn - now) / 86_400_000) }
            : {}),
    } as CredentialView;
}
