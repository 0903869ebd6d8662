import type { Context, Middleware } from '@microsoft/microsoft-graph-client';

/**
 * A cached access token that Graph refuses with 401 (revoked session, continuous access evaluation, a
 * token cache restored from an older copy) is not the end of a sign-in: msal-node hands out a cached
 * token until it expires, so asking again would get the same one. This link, placed before the
 * AuthenticationHandler, sends the request once more with a token MSAL must fetch anew (forceRefresh);
 * if the refresh itself is refused, the sign-in error surfaces from the token step as usual
 * (AccountAuthError → needs_reauth). Pre-authenticated URLs never reach here with a token (the
 * AuthenticationHandler only signs Graph's hosts), and only requests whose body can be sent again are
 * retried.
 */
export class StaleTokenRetry implements Middleware {
    private next?: Middleware;

    /** `refreshNext` makes the next token the AuthenticationHandler asks for a fresh one. */
    constructor(private readonly refreshNext: () => void) {}

    setNext(next: Middleware): void {
        this.next = next;
    }

    async execute(context: Context): Promise<void> {
        await this.next!.execute(context);
        if (context.response?.status !== 401 || !replayable(context)) return;
        await context.response.body?.cancel().catch(() => undefined);
        this.refreshNext();
        const headers = context.options?.headers as Record<string, string> | undefined;
        if (headers && !(headers instanceof Headers)) delete headers.Authorization;
        await this.next!.execute(context);
    }
}

function replayable(context: Context): boolean {
    const body = context.options?.body;
    return body === undefined || body === null || typeof body === 'string';
}
