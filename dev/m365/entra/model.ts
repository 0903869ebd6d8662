import type { KeyObject } from 'node:crypto';

/** Entra ID's state as the simulator keeps it. Times are epoch ms on the simulated clock. */

export interface Tenant {
    id: string;
    displayName: string;
    /** Verified domains, the first being the initial `<name>.onmicrosoft.com` domain. */
    domains: string[];
    /**
     * Whether users may consent to delegated permissions themselves. Most organisations turn this off,
     * so an app's permissions need admin consent first; that is the default here.
     */
    userConsentAllowed: boolean;
}

export interface User {
    id: string;
    tenantId: string;
    userPrincipalName: string;
    displayName: string;
    mail: string;
    accountEnabled: boolean;
    passwordChangedAt: number;
    /** Refresh tokens whose grant began before this instant are revoked (password change, revokeSignInSessions). */
    tokensValidFrom: number;
}

export interface ClientSecret {
    keyId: string;
    displayName?: string;
    /** The first three characters of the value, as the portal shows them. */
    hint: string;
    /** Kept only to compare with what clients send; never shown after creation. */
    secretText: string;
    startDateTime: number;
    endDateTime: number;
}

export interface CertificateCredential {
    keyId: string;
    displayName?: string;
    /** SHA-1 thumbprint, upper-case hex (what the portal shows, and the x5t header carries). */
    thumbprint: string;
    /** SHA-256 thumbprint, upper-case hex (the x5t#S256 header). */
    thumbprintSha256: string;
    certificatePem: string;
    publicKey: KeyObject;
    startDateTime: number;
    endDateTime: number;
}

export interface AppRegistration {
    tenantId: string;
    appId: string;
    /** Object id of the application object. */
    id: string;
    servicePrincipalId: string;
    displayName: string;
    /** Web platform redirect URIs, compared exactly (case, trailing slash, everything). */
    redirectUris: string[];
    /**
     * "Mobile and desktop applications" platform redirect URIs (e.g. `.../common/oauth2/nativeclient`): a
     * code issued to one of them is redeemed without a client credential, since a public client cannot keep
     * one ("client_secret: required for confidential web apps",
     * https://learn.microsoft.com/entra/identity-platform/v2-oauth2-auth-code-flow).
     */
    publicClientRedirectUris: string[];
    /**
     * AzureADMyOrg: single tenant, the default; /common is refused (AADSTS50194). AzureADMultipleOrgs: a
     * multitenant app; a tenant holds it once an admin consented (its enterprise application, i.e. service
     * principal: https://learn.microsoft.com/entra/identity/enterprise-apps/create-service-principal-cross-tenant),
     * and /common signs the user in and so learns their tenant
     * (https://learn.microsoft.com/entra/identity-platform/howto-convert-app-to-be-multi-tenant).
     */
    signInAudience: 'AzureADMyOrg' | 'AzureADMultipleOrgs';
    /** Delegated Graph permissions the registration asks for (requiredResourceAccess). */
    requiredScopes: string[];
    /** Delegated Graph permissions with tenant-wide admin consent. */
    consentedScopes: string[];
    /** Application Graph permissions granted with admin consent (appear as `roles`). */
    grantedRoles: string[];
    secrets: ClientSecret[];
    certificates: CertificateCredential[];
    /** Delegated permissions individual users consented to, by user id (only when the tenant allows it). */
    userConsents: Map<string, string[]>;
}
