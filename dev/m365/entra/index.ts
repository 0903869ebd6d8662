import type { AuthResult, Clock, Directory, RouteHandler } from '../contract';
import { SeededRandom } from '../random';
import { createAuthenticator } from './authenticate';
import type { AssertionVerifier } from './clientAuthentication';
import type { EntraContext } from './context';
import { createDirectory } from './directory';
import { GrantStore } from './grantStore';
import { createEntraRoutes } from './routes';
import { createSigningKey } from './signingKey';
import { TenantStore } from './tenantStore';
import { TokenIssuer } from './tokenIssuer';

export { TenantStore, StoreError, DEFAULT_SECRET_LIFETIME_MS } from './tenantStore';
export type { NewTenant, NewUser, NewApp, AppChanges, NewSecret, CreatedSecret, NewCertificate } from './tenantStore';
export type { Tenant, User, AppRegistration, ClientSecret, CertificateCredential } from './model';
export type { AssertionVerifier } from './clientAuthentication';

/** The simulated Entra ID: tenant state, its HTTP endpoints, and token validation for Graph. */
export interface EntraService {
    tenants: TenantStore;
    directory: Directory;
    authenticate(authorizationHeader: string | undefined): AuthResult;
    handle: RouteHandler;
    /** Forgets tenants, codes and refresh tokens; the signing key stays. */
    reset(): void;
}

export interface EntraOptions {
    clock: Clock;
    authorityHost: string;
    seed: number;
    federatedAssertions?: AssertionVerifier;
}

export function createEntraService(options: EntraOptions): EntraService {
    const tenants = new TenantStore(options.clock, new SeededRandom(options.seed), options.seed);
    const grants = new GrantStore();
    const signingKey = createSigningKey(`${options.authorityHost}/{tenantid}/v2.0`);
    // Access-token lifetimes (60-90 minutes) follow the seed too, restarting on reset.
    let lifetimes = new SeededRandom(options.seed ^ 0x5eed);
    const random = () => lifetimes;
    const ctx: EntraContext = {
        clock: options.clock,
        authorityHost: options.authorityHost,
        tenants,
        grants,
        issuer: new TokenIssuer(options.clock, signingKey, options.authorityHost, random),
        signingKey,
        federatedAssertions: options.federatedAssertions,
    };
    return {
        tenants,
        directory: createDirectory(tenants),
        authenticate: createAuthenticator(ctx),
        handle: createEntraRoutes(ctx),
        reset: () => {
            tenants.reset();
            grants.reset();
            lifetimes = new SeededRandom(options.seed ^ 0x5eed);
        },
    };
}
