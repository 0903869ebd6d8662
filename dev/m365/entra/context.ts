import type { Clock } from '../contract';
import type { AssertionVerifier } from './clientAuthentication';
import type { GrantStore } from './grantStore';
import type { SigningKey } from './signingKey';
import type { TenantStore } from './tenantStore';
import type { TokenIssuer } from './tokenIssuer';

/** Everything the Entra endpoints share. */
export interface EntraContext {
    clock: Clock;
    /** https://localhost:<port>: the authority host and the origin of every URL Entra hands out. */
    authorityHost: string;
    tenants: TenantStore;
    grants: GrantStore;
    issuer: TokenIssuer;
    signingKey: SigningKey;
    /** Seam for federated identity credentials (client assertions without a certificate thumbprint). */
    federatedAssertions?: AssertionVerifier;
}
