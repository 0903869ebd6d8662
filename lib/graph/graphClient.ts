import type { Client, Middleware, ShouldRetry } from '@microsoft/microsoft-graph-client';
import { AccountAuthError, acquireGraphToken } from '../auth/accessToken';
import { cloudEndpoints } from '../integration/cloud';
import type { IntegrationRecord } from '../integration/integrationRepository';
import type { Services } from '../runtime/services';
import { isThrottle, parseRetryAfter, throttleGate, type ThrottleGate } from '../transfer/throttleGate';
import { StaleTokenRetry } from './staleTokenRetry';
import { ThrottleMiddleware } from './throttleMiddleware';

/**
 * Microsoft's Graph client for one connected account. The base URL follows the integration's cloud (or
 * the simulator locally); the token comes from the account's own cache partition on every request, so
 * a silent refresh happens exactly when needed. Every request passes the tenant's throttle gate.
 */
export async function graphClientForAccount(
    services: Services,
    integration: IntegrationRecord,
    homeAccountId: string,
): Promise<Client> {
    return createGraphClient(services, integration, (options) =>
        acquireGraphToken(services, integration, homeAccountId, options),
    );
}

/** The SDK's own defaults (RetryHandlerOptions.DEFAULT_DELAY / DEFAULT_MAX_RETRIES, private there). */
const SDK_RETRY_DELAY_SECONDS = 3;
const SDK_MAX_RETRIES = 3;

export interface GraphClientOptions {
    /** Tests: a gate with its own cache, as another instance would have (default: the process's). */
    gate?: ThrottleGate;
    /** Longest a request waits for the gate before it gives up with a local 429 (throttleMiddleware.ts). */
    maxWaitMs?: number;
}

/**
 * Microsoft's middleware chain with the throttle gate in it: authentication, the SDK's retries of
 * transient 5xx (throttles are the gate's: it honours Retry-After for every instance, the RetryHandler
 * would only for itself), redirects, then the gate for each request that actually goes out (a redirect
 * to a download URL included), telemetry and the HTTP call.
 */
export async function createGraphClient(
    services: Services,
    integration: IntegrationRecord,
    getToken: (options?: { forceRefresh?: boolean }) => Promise<string>,
    options: GraphClientOptions = {},
): Promise<Client> {
    const graph = await import('@microsoft/microsoft-graph-client');
    const { Client, GraphClientError } = graph;
    const { graphBaseUrl } = cloudEndpoints(integration.cloud, services.config.m365);
    const url = new URL(graphBaseUrl);
    const version = url.pathname.replace(/^\/+|\/+$/g, '') || 'v1.0';
    let forceRefresh = false;
    const authProvider = new graph.CustomAuthenticationProvider((done) => {
        const fresh = forceRefresh;
        forceRefresh = false;
        getToken(fresh ? { forceRefresh: true } : undefined).then(
            (token) => done(null, token),
            // The client rebuilds any other Error as a GraphError and drops it; a GraphClientError
            // passes through untouched, so the sign-in failure (signInFailureIn) or the Key Vault
            // fault behind the token (lib/dependencies) survives as its customError.
            (e: unknown) =>
                done(e instanceof Error ? Object.assign(new GraphClientError(e.message), { customError: e }) : e, null),
        );
    });
    const notThrottled: ShouldRetry = (_delay, _attempt, _request, _options, response) =>
        !isThrottle(response.status, parseRetryAfter(response.headers.get('retry-after')));
    const chain: Middleware[] = [
        new StaleTokenRetry(() => (forceRefresh = true)),
        new graph.AuthenticationHandler(authProvider),
        new graph.RetryHandler(new graph.RetryHandlerOptions(SDK_RETRY_DELAY_SECONDS, SDK_MAX_RETRIES, notThrottled)),
        new graph.RedirectHandler(new graph.RedirectHandlerOptions()),
        new ThrottleMiddleware({
            gate: options.gate ?? throttleGate(services),
            tenantId: integration.tenantId,
            graphBaseUrl: `${url.origin}/${version}/`,
            maxWaitMs: options.maxWaitMs,
        }),
        new graph.TelemetryHandler(),
        new graph.HTTPMessageHandler(),
    ];
    return Client.initWithMiddleware({
        baseUrl: url.origin,
        defaultVersion: version,
        // The client only attaches tokens to Graph's own hosts unless told about others (the simulator).
        customHosts: new Set([url.hostname]),
        fetchOptions: { headers: { 'User-Agent': services.config.m365.userAgent } },
        middleware: chain,
    });
}

/** The sign-in failure behind an error: thrown by the token step, or carried through the Graph client. */
export function signInFailureIn(e: unknown): AccountAuthError | undefined {
    if (e instanceof AccountAuthError) return e;
    const inner = (e as { customError?: unknown } | undefined)?.customError;
    return inner instanceof AccountAuthError ? inner : undefined;
}
