import { X509Certificate } from 'node:crypto';
import type { Clock } from '../contract';
import { DAY } from '../clock';
import { SeededRandom } from '../random';
import type { AppRegistration, CertificateCredential, ClientSecret, Tenant, User } from './model';

/** Entra's default and recommended client secret lifetime (the portal offers 180 days first). */
export const DEFAULT_SECRET_LIFETIME_MS = 180 * DAY;

const SECRET_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-.~';

export interface NewTenant {
    /** The initial domain's label: `contoso` gives contoso.onmicrosoft.com. */
    name: string;
    displayName?: string;
    id?: string;
    extraDomains?: string[];
    userConsentAllowed?: boolean;
}

export interface NewUser {
    /** The UPN's local part (alias@<initial domain>) or a full UPN. */
    userPrincipalName: string;
    displayName: string;
    id?: string;
    accountEnabled?: boolean;
}

export interface NewApp {
    displayName: string;
    appId?: string;
    redirectUris?: string[];
    publicClientRedirectUris?: string[];
    signInAudience?: AppRegistration['signInAudience'];
    requiredScopes?: string[];
    /** Delegated permissions with admin consent. */
    consentedScopes?: string[];
    grantedRoles?: string[];
}

export type AppChanges = Partial<
    Pick<AppRegistration, 'displayName' | 'redirectUris' | 'requiredScopes' | 'consentedScopes' | 'grantedRoles'>
>;

export interface NewSecret {
    displayName?: string;
    /** Epoch ms; defaults to 180 days from now on the simulated clock. */
    endDateTime?: number;
    /** Only for deterministic fixtures; Entra always generates the value. */
    secretText?: string;
}

/** Returned once, like the portal's "copy this value now" moment. */
export interface CreatedSecret {
    keyId: string;
    displayName?: string;
    hint: string;
    secretText: string;
    startDateTime: number;
    endDateTime: number;
}

export interface NewCertificate {
    /** The public certificate (PEM). Thumbprints and validity are read from it. */
    certificatePem: string;
    displayName?: string;
    /** Overrides the certificate's notAfter, as keyCredential.endDateTime can. */
    endDateTime?: number;
}

/** Tenants, users and app registrations: the programmatic face of the simulated Entra ID. */
export class TenantStore {
    private tenants = new Map<string, Tenant>();
    private users = new Map<string, User>();
    private apps = new Map<string, AppRegistration>();

    constructor(
        private readonly clock: Clock,
        private random: SeededRandom,
        private readonly seed: number,
    ) {}

    /** Forgets everything and restarts the id sequence, so a reset simulator hands out the same ids again. */
    reset(): void {
        this.tenants.clear();
        this.users.clear();
        this.apps.clear();
        this.random = new SeededRandom(this.seed);
    }

    createTenant(input: NewTenant): Tenant {
        const label = input.name.toLowerCase();
        if (!/^[a-z0-9]{1,27}$/.test(label))
            throw new StoreError(400, `Tenant name '${input.name}' must be 1-27 letters or digits.`);
        const initialDomain = `${label}.onmicrosoft.com`;
        if (this.findTenant(initialDomain))
            throw new StoreError(409, `A tenant with domain ${initialDomain} already exists.`);
        const tenant: Tenant = {
            id: input.id ?? this.random.guid(),
            displayName: input.displayName ?? capitalize(label),
            domains: [initialDomain, ...(input.extraDomains ?? []).map((d) => d.toLowerCase())],
            userConsentAllowed: input.userConsentAllowed ?? false,
        };
        this.tenants.set(tenant.id, tenant);
        return tenant;
    }

    /** By GUID or by any verified domain, case-insensitively. */
    findTenant(idOrDomain: string): Tenant | undefined {
        const key = idOrDomain.toLowerCase();
        return this.tenants.get(key) ?? [...this.tenants.values()].find((t) => t.domains.includes(key));
    }

    getTenant(idOrDomain: string): Tenant {
        const tenant = this.findTenant(idOrDomain);
        if (!tenant) throw new StoreError(404, `Tenant '${idOrDomain}' not found.`);
        return tenant;
    }

    listTenants(): Tenant[] {
        return [...this.tenants.values()];
    }

    updateTenant(idOrDomain: string, changes: Partial<Pick<Tenant, 'displayName' | 'userConsentAllowed'>>): Tenant {
        return Object.assign(this.getTenant(idOrDomain), definedOnly(changes));
    }

    createUser(tenantIdOrDomain: string, input: NewUser): User {
        const tenant = this.getTenant(tenantIdOrDomain);
        const upn = input.userPrincipalName.includes('@')
            ? input.userPrincipalName
            : `${input.userPrincipalName}@${tenant.domains[0]}`;
        if (this.findUser(tenant.id, upn)) throw new StoreError(409, `User ${upn} already exists.`);
        const now = this.clock.now();
        const user: User = {
            id: input.id ?? this.random.guid(),
            tenantId: tenant.id,
            userPrincipalName: upn,
            displayName: input.displayName,
            mail: upn,
            accountEnabled: input.accountEnabled ?? true,
            passwordChangedAt: now,
            tokensValidFrom: now,
        };
        this.users.set(user.id, user);
        return user;
    }

    findUser(tenantIdOrDomain: string, idOrUpn: string): User | undefined {
        const tenant = this.findTenant(tenantIdOrDomain);
        if (!tenant) return undefined;
        const key = idOrUpn.toLowerCase();
        return this.listUsers(tenant.id).find((u) => u.id === key || u.userPrincipalName.toLowerCase() === key);
    }

    getUser(tenantIdOrDomain: string, idOrUpn: string): User {
        const user = this.findUser(tenantIdOrDomain, idOrUpn);
        if (!user) throw new StoreError(404, `User '${idOrUpn}' not found in tenant '${tenantIdOrDomain}'.`);
        return user;
    }

    listUsers(tenantIdOrDomain: string): User[] {
        const tenant = this.findTenant(tenantIdOrDomain);
        return tenant ? [...this.users.values()].filter((u) => u.tenantId === tenant.id) : [];
    }

    updateUser(
        tenantIdOrDomain: string,
        idOrUpn: string,
        changes: Partial<Pick<User, 'displayName' | 'accountEnabled'>>,
    ): User {
        return Object.assign(this.getUser(tenantIdOrDomain, idOrUpn), definedOnly(changes));
    }

    /** A password change or reset: Entra revokes every refresh token issued before it (AADSTS50173). */
    changePassword(tenantIdOrDomain: string, idOrUpn: string): User {
        const user = this.getUser(tenantIdOrDomain, idOrUpn);
        user.passwordChangedAt = this.clock.now();
        user.tokensValidFrom = user.passwordChangedAt;
        return user;
    }

    /** Graph's revokeSignInSessions: same effect on refresh tokens as a password change. */
    revokeSignInSessions(tenantIdOrDomain: string, idOrUpn: string): User {
        const user = this.getUser(tenantIdOrDomain, idOrUpn);
        user.tokensValidFrom = this.clock.now();
        return user;
    }

    registerApp(tenantIdOrDomain: string, input: NewApp): AppRegistration {
        const tenant = this.getTenant(tenantIdOrDomain);
        const app: AppRegistration = {
            tenantId: tenant.id,
            appId: (input.appId ?? this.random.guid()).toLowerCase(),
            id: this.random.guid(),
            servicePrincipalId: this.random.guid(),
            displayName: input.displayName,
            redirectUris: [...(input.redirectUris ?? [])],
            publicClientRedirectUris: [...(input.publicClientRedirectUris ?? [])],
            signInAudience: input.signInAudience ?? 'AzureADMyOrg',
            requiredScopes: [...(input.requiredScopes ?? input.consentedScopes ?? [])],
            consentedScopes: [...(input.consentedScopes ?? [])],
            grantedRoles: [...(input.grantedRoles ?? [])],
            secrets: [],
            certificates: [],
            userConsents: new Map(),
        };
        if (this.apps.has(appKey(tenant.id, app.appId)))
            throw new StoreError(409, `App ${app.appId} already exists in ${tenant.id}.`);
        this.apps.set(appKey(tenant.id, app.appId), app);
        return app;
    }

    findApp(tenantIdOrDomain: string, appId: string): AppRegistration | undefined {
        const tenant = this.findTenant(tenantIdOrDomain);
        return tenant ? this.apps.get(appKey(tenant.id, appId.toLowerCase())) : undefined;
    }

    /** The tenant a user signs in to, from their UPN's verified domain (what /common learns at sign-in). */
    findUserAnywhere(upn: string): User | undefined {
        const domain = upn.slice(upn.lastIndexOf('@') + 1);
        const tenant = upn.includes('@') ? this.findTenant(domain) : undefined;
        return tenant ? this.findUser(tenant.id, upn) : undefined;
    }

    /** The tenant an app id is registered in (for the /common and /organizations endpoints). */
    findAppAnywhere(appId: string): AppRegistration | undefined {
        return [...this.apps.values()].find((a) => a.appId === appId.toLowerCase());
    }

    getApp(tenantIdOrDomain: string, appId: string): AppRegistration {
        const app = this.findApp(tenantIdOrDomain, appId);
        if (!app) throw new StoreError(404, `Application '${appId}' not found in tenant '${tenantIdOrDomain}'.`);
        return app;
    }

    listApps(tenantIdOrDomain: string): AppRegistration[] {
        const tenant = this.findTenant(tenantIdOrDomain);
        return tenant ? [...this.apps.values()].filter((a) => a.tenantId === tenant.id) : [];
    }

    updateApp(tenantIdOrDomain: string, appId: string, changes: AppChanges): AppRegistration {
        const app = this.getApp(tenantIdOrDomain, appId);
        const copied = Object.fromEntries(
            Object.entries(definedOnly(changes)).map(([k, v]) => [k, Array.isArray(v) ? [...v] : v]),
        );
        return Object.assign(app, copied);
    }

    /** Deleting the registration deletes its service principal too: tokens for it are no longer issued. */
    deleteApp(tenantIdOrDomain: string, appId: string): void {
        const app = this.getApp(tenantIdOrDomain, appId);
        this.apps.delete(appKey(app.tenantId, app.appId));
    }

    grantAdminConsent(tenantIdOrDomain: string, appId: string, scopes: string[]): AppRegistration {
        const app = this.getApp(tenantIdOrDomain, appId);
        for (const scope of scopes)
            if (!app.consentedScopes.some((s) => s.toLowerCase() === scope.toLowerCase()))
                app.consentedScopes.push(scope);
        return app;
    }

    /** Removes admin consent for the given scopes (all of them when none are named). */
    revokeAdminConsent(tenantIdOrDomain: string, appId: string, scopes?: string[]): AppRegistration {
        const app = this.getApp(tenantIdOrDomain, appId);
        const drop = new Set((scopes ?? app.consentedScopes).map((s) => s.toLowerCase()));
        app.consentedScopes = app.consentedScopes.filter((s) => !drop.has(s.toLowerCase()));
        return app;
    }

    recordUserConsent(app: AppRegistration, userId: string, scopes: string[]): void {
        const existing = app.userConsents.get(userId) ?? [];
        app.userConsents.set(userId, [
            ...existing,
            ...scopes.filter((s) => !existing.some((e) => e.toLowerCase() === s.toLowerCase())),
        ]);
    }

    addClientSecret(tenantIdOrDomain: string, appId: string, input: NewSecret = {}): CreatedSecret {
        const app = this.getApp(tenantIdOrDomain, appId);
        const now = this.clock.now();
        const secretText = input.secretText ?? this.newSecretText();
        const secret: ClientSecret = {
            keyId: this.random.guid(),
            displayName: input.displayName,
            hint: secretText.slice(0, 3),
            secretText,
            startDateTime: now,
            endDateTime: input.endDateTime ?? now + DEFAULT_SECRET_LIFETIME_MS,
        };
        app.secrets.push(secret);
        return { ...secret };
    }

    removeClientSecret(tenantIdOrDomain: string, appId: string, keyId: string): void {
        const app = this.getApp(tenantIdOrDomain, appId);
        const before = app.secrets.length;
        app.secrets = app.secrets.filter((s) => s.keyId !== keyId);
        if (app.secrets.length === before) throw new StoreError(404, `No client secret with keyId ${keyId}.`);
    }

    addCertificate(tenantIdOrDomain: string, appId: string, input: NewCertificate): CertificateCredential {
        const app = this.getApp(tenantIdOrDomain, appId);
        const x509 = parseCertificate(input.certificatePem);
        const credential: CertificateCredential = {
            keyId: this.random.guid(),
            displayName: input.displayName ?? x509.subject.replace(/\n/g, ', '),
            thumbprint: x509.fingerprint.replace(/:/g, '').toUpperCase(),
            thumbprintSha256: x509.fingerprint256.replace(/:/g, '').toUpperCase(),
            certificatePem: x509.toString(),
            publicKey: x509.publicKey,
            startDateTime: Date.parse(x509.validFrom),
            endDateTime: input.endDateTime ?? Date.parse(x509.validTo),
        };
        app.certificates.push(credential);
        return credential;
    }

    removeCertificate(tenantIdOrDomain: string, appId: string, keyId: string): void {
        const app = this.getApp(tenantIdOrDomain, appId);
        const before = app.certificates.length;
        app.certificates = app.certificates.filter((c) => c.keyId !== keyId);
        if (app.certificates.length === before) throw new StoreError(404, `No certificate with keyId ${keyId}.`);
    }

    /** Entra's format: three characters, `8Q~`, then 34 more: 40 in all. */
    private newSecretText(): string {
        return `${this.random.chars(3, SECRET_ALPHABET)}8Q~${this.random.chars(34, SECRET_ALPHABET)}`;
    }
}

/** A failed control operation; the control API turns it into an HTTP status. */
export class StoreError extends Error {
    constructor(
        readonly status: 400 | 404 | 409,
        message: string,
    ) {
        super(message);
        this.name = 'StoreError';
    }
}

function appKey(tenantId: string, appId: string): string {
    return `${tenantId}/${appId.toLowerCase()}`;
}

function parseCertificate(pem: string): X509Certificate {
    try {
        return new X509Certificate(pem);
    } catch {
        throw new StoreError(400, 'certificatePem is not a PEM-encoded X.509 certificate.');
    }
}

function capitalize(label: string): string {
    return label.charAt(0).toUpperCase() + label.slice(1);
}

function definedOnly<T extends object>(changes: T): Partial<T> {
    return Object.fromEntries(Object.entries(changes).filter(([, v]) => v !== undefined)) as Partial<T>;
}
