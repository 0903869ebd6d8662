import type { HttpHandler, HttpRequest, HttpResponseInit } from '@azure/functions';
import { createHash } from 'node:crypto';
import type { FlowOutcome } from '../lib/auth/connectFlow';
import { ApiError } from '../lib/http/apiError';
import { handle } from '../lib/http/handle';
import type { Logger } from '../lib/logging/logger';

const STYLE = 'body{font-family:system-ui,sans-serif;max-width:40rem;margin:3rem auto;padding:0 1rem}';

/**
 * The sign-in flow's pages carry no script and one known style, and must never be framed (a framed
 * "Connected"/"Could not connect" page is a clickjacking and UI-redress vector): the CSP allows
 * exactly that style by hash, nothing else, and `frame-ancestors 'none'` (X-Frame-Options for older
 * browsers). Redirects carry no-referrer too: the callback URL holds the code and the state.
 */
const PAGE_CSP = [
    "default-src 'none'",
    `style-src 'sha256-${createHash('sha256').update(STYLE).digest('base64')}'`,
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
].join('; ');

const COMMON_HEADERS = {
    'cache-control': 'no-store',
    'referrer-policy': 'no-referrer',
    'x-content-type-options': 'nosniff',
    'x-frame-options': 'DENY',
};

/**
 * A route a browser opens (connect, callback): whatever happens, a person gets a page, never JSON. A
 * domain error (e.g. the drive was removed while its owner signed in) is a page with its status, code
 * and hint; anything else a 500 page that leaks nothing (logged with the invocation id).
 */
export function browserFlow(run: (request: HttpRequest, log: Logger) => Promise<FlowOutcome>): HttpHandler {
    return handle(async (request, log, context) => {
        try {
            return flowResponse(await run(request, log));
        } catch (e) {
            if (e instanceof ApiError) {
                const failure = { code: e.code, message: e.message, hint: e.hint ?? 'Start the connection again.' };
                return flowResponse({ kind: 'page', status: e.status, title: 'Could not connect', failure });
            }
            log.error('The sign-in flow failed', { error: e, invocationId: context.invocationId });
            return flowResponse({
                kind: 'page',
                status: 500,
                title: 'Could not connect',
                failure: {
                    code: 'internal_error',
                    message: 'The service failed to complete the sign-in.',
                    hint: 'Open the connect link again; if it keeps failing, an admin can find this invocation in the function logs.',
                },
            });
        }
    });
}

/** Renders a connect-flow outcome: a redirect, or a small page a person can read (never a stack trace). */
export function flowResponse(outcome: FlowOutcome): HttpResponseInit {
    const cookies = outcome.cookies && outcome.cookies.length > 0 ? { cookies: outcome.cookies } : {};
    if (outcome.kind === 'redirect')
        return {
            status: 302,
            headers: { location: outcome.location, ...COMMON_HEADERS, 'content-security-policy': PAGE_CSP },
            ...cookies,
        };
    const f = outcome.failure;
    const body = `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width"><title>${esc(outcome.title)}</title><style>${STYLE}</style></head>
<body>
<h1>${esc(outcome.title)}</h1>
${f ? `<p>${esc(f.message)}</p><p><strong>What to do:</strong> ${esc(f.hint)}</p><p><small>Code: <code id="code">${esc(f.code)}</code></small></p>` : `<p>${esc(outcome.detail ?? '')}</p>`}
</body></html>`;
    return {
        status: outcome.status,
        body,
        headers: {
            'content-type': 'text/html; charset=utf-8',
            ...COMMON_HEADERS,
            'content-security-policy': PAGE_CSP,
            'x-error-code': f?.code ?? '',
        },
        ...cookies,
    };
}

function esc(s: string): string {
    return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
