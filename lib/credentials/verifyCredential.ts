import { toAccountAuthError } from '../auth/accessToken';
import { createMsalClient } from '../auth/msalClient';
import type { SignInFailure } from '../auth/signInErrors';
import { cloudEndpoints } from '../integration/cloud';
import type { IntegrationRecord } from '../integration/integrationRepository';
import type { Services } from '../runtime/services';
import type { MsalClientCredential } from './msalCredential';

export type Verification = { ok: true; roles: string[] } | { ok: false; failure: SignInFailure; code?: string };

/**
 * Proves a credential against Entra with a client-credentials token request (no cache: a cached token
 * would prove nothing). Works for delegated-only registrations too: Entra then issues a token without
 * roles. A wrong secret fails here with AADSTS7000215, before anything depends on it.
 */
export async function verifyClientCredential(
    services: Services,
    integration: IntegrationRecord,
    credential: MsalClientCredential,
): Promise<Verification> {
    const { graphResource } = cloudEndpoints(integration.cloud, services.config.m365);
    try {
        const cca = await createMsalClient(services, integration, undefined, credential);
        const result = await cca.acquireTokenByClientCredential({
            scopes: [`${graphResource}/.default`],
            skipCache: true,
        });
        return { ok: true, roles: rolesOf(result?.accessToken ?? '') };
    } catch (e) {
        const failure = toAccountAuthError(e).failure;
        return {
            ok: false,
            failure,
            code:
                failure.message.match(/AADSTS\d+/)?.[0] ??
                (e as { errorNo?: string }).errorNo?.replace(/^(\d)/, 'AADSTS$1'),
        };
    }
}

/** Application permissions in an app-only token (its `roles` claim). */
export function rolesOf(jwt: string): string[] {
    try {
        const claims = JSON.parse(Buffer.from(jwt.split('.')[1] ?? '', 'base64url').toString('utf8')) as {
            roles?: unknown;
        };
        return Array.isArray(claims.roles) ? claims.roles.filter((r): r is string => typeof r === 'string') : [];
    } catch {
        return [];
    }
}
