import type { AppRegistration, CertificateCredential, ClientSecret, Tenant, User } from '../entra';

/** JSON shapes the control API returns: dates as ISO strings, never a secret value after creation. */

const iso = (ms: number): string => new Date(ms).toISOString();

export function tenantView(tenant: Tenant): Record<string, unknown> {
    return {
        id: tenant.id,
        displayName: tenant.displayName,
        domains: [...tenant.domains],
        userConsentAllowed: tenant.userConsentAllowed,
    };
}

export function userView(user: User): Record<string, unknown> {
    return {
        id: user.id,
        tenantId: user.tenantId,
        userPrincipalName: user.userPrincipalName,
        displayName: user.displayName,
        mail: user.mail,
        accountEnabled: user.accountEnabled,
        lastPasswordChangeDateTime: iso(user.passwordChangedAt),
        signInSessionsValidFromDateTime: iso(user.tokensValidFrom),
    };
}

export function secretView(secret: ClientSecret): Record<string, unknown> {
    return {
        keyId: secret.keyId,
        displayName: secret.displayName ?? null,
        hint: secret.hint,
        startDateTime: iso(secret.startDateTime),
        endDateTime: iso(secret.endDateTime),
    };
}

export function certificateView(certificate: CertificateCredential): Record<string, unknown> {
    return {
        keyId: certificate.keyId,
        displayName: certificate.displayName ?? null,
        thumbprint: certificate.thumbprint,
        thumbprintSha256: certificate.thumbprintSha256,
        startDateTime: iso(certificate.startDateTime),
        endDateTime: iso(certificate.endDateTime),
    };
}

export function appView(app: AppRegistration): Record<string, unknown> {
    return {
        appId: app.appId,
        id: app.id,
        servicePrincipalId: app.servicePrincipalId,
        tenantId: app.tenantId,
        displayName: app.displayName,
        redirectUris: [...app.redirectUris],
        publicClientRedirectUris: [...app.publicClientRedirectUris],
        signInAudience: app.signInAudience,
        requiredScopes: [...app.requiredScopes],
        consentedScopes: [...app.consentedScopes],
        grantedRoles: [...app.grantedRoles],
        passwordCredentials: app.secrets.map(secretView),
        keyCredentials: app.certificates.map(certificateView),
    };
}
