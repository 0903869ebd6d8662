import type { IntegrationRecord } from '../integration/integrationRepository';
import type { Services } from '../runtime/services';
import { assertionClaims, federatedAudience, federatedTokenSource } from './federatedTokenSource';
import { managedIdentityFor } from './msalCredential';

/** What the admin enters under Certificates & secrets → Federated credentials → "Other issuer". */
export interface FederatedSetup {
    issuer?: string;
    subject?: string;
    audience: string;
    /** Set when the managed identity gave no token (not assigned, wrong client id, not on Azure). */
    problem?: string;
}

/**
 * Reads the issuer and subject from the managed identity's own token, so the hint names the exact
 * values to register instead of describing where to find them.
 */
export async function federatedSetup(
    services: Services,
    integration: IntegrationRecord,
    managedIdentityClientId?: string,
): Promise<FederatedSetup> {
    const audience = federatedAudience(integration.cloud);
    try {
        const claims = assertionClaims(
            await federatedTokenSource(services)(audience, managedIdentityFor(services, managedIdentityClientId)),
        );
        return { issuer: claims.iss, subject: claims.sub, audience };
    } catch (e) {
        return {
            audience,
            problem: `The managed identity${managedIdentityClientId ? ` ${managedIdentityClientId}` : ''} gave no token: ${(e as Error).message.slice(0, 200)}`,
        };
    }
}

export function federatedSetupHint(setup: FederatedSetup): string {
    if (setup.problem) {
        return `${setup.problem}. Assign a user-assigned managed identity to the function app and send its client id as managedIdentityClientId; then add a federated credential with audience ${setup.audience}.`;
    }
    return `In the app registration, Certificates & secrets → Federated credentials → Add credential (Other issuer): issuer ${setup.issuer}, subject identifier ${setup.subject}, audience ${setup.audience}.`;
}
