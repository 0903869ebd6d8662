import type { Client } from '@microsoft/microsoft-graph-client';
import { AccountAuthError, acquireGraphToken } from '../auth/accessToken';
import { cloudEndpoints } from '../integration/cloud';
import type { IntegrationRecord } from '../integration/integrationRepository';
import type { Services } from '../runtime/services';

/**
 * Microsoft's Graph client for one connected account. The base URL follows the integration's cloud (or
 * the simulator locally); the token comes from the account's own cache partition on every request, so
 * a silent refresh happens exactly when needed.
 */
export async function graphClientForAccount(
    services: Services,
    integration: IntegrationRecord,
    homeAccountId: string,
): Promise<Client> {
    return createGraphClient(services, integration, () => acquireGraphToken(services, integration, homeAccountId));
}

export async function createGraphClient(
    services: Services,
    integration: IntegrationRecord,
    getToken: () => Promise<string>,
): Promise<Client> {
    const { Client, GraphClientError } = await import('@microsoft/microsoft-graph-client');
    const { graphBaseUrl } = cloudEndpoints(integration.cloud, services.config.m365);
    const url = new URL(graphBaseUrl);
    const version = url.pathname.replace(/^\/+|\/+$/g, '') || 'v1.0';
    return Client.init({
        baseUrl: url.origin,
        defaultVersion: version,
        // The client only attaches tokens to Graph's own hosts unless told about others (the simulator).
        customHosts: new Set([url.hostname]),
        fetchOptions: { headers: { 'User-Agent': services.config.m365.userAgent } },
        authProvider: (done) => {
            getToken().then(
                (token) => done(null, token),
                // The client rebuilds any other Error as a GraphError and drops it; a GraphClientError
                // passes through untouched, so the sign-in failure (signInFailureIn) or the Key Vault
                // fault behind the token (lib/dependencies) survives as its customError.
                (e: unknown) =>
                    done(
                        e instanceof Error ? Object.assign(new GraphClientError(e.message), { customError: e }) : e,
                        null,
                    ),
            );
        },
    });
}

/** The sign-in failure behind an error: thrown by the token step, or carried through the Graph client. */
export function signInFailureIn(e: unknown): AccountAuthError | undefined {
    if (e instanceof AccountAuthError) return e;
    const inner = (e as { customError?: unknown } | undefined)?.customError;
    return inner instanceof AccountAuthError ? inner : undefined;
}

/** Graph's error, as the client surfaces it: status, code, request id (for support cases). */
export interface GraphFailure {
    statusCode: number;
    code: string;
    message: string;
    requestId?: string;
}

export function graphFailure(e: unknown): GraphFailure | undefined {
    const err = e as { statusCode?: number; code?: string; message?: string; requestId?: string | null };
    if (typeof err?.statusCode !== 'number' || err.statusCode <= 0) return undefined;
    return {
        statusCode: err.statusCode,
        code: err.code ?? 'unknown',
        message: err.message ?? '',
        requestId: err.requestId ?? undefined,
    };
}
