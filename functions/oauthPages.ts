import type { HttpResponseInit } from '@azure/functions';
import type { FlowOutcome } from '../lib/auth/connectFlow';

/** Renders a connect-flow outcome: a redirect, or a small page a person can read (never a stack trace). */
export function flowResponse(outcome: FlowOutcome): HttpResponseInit {
    if (outcome.kind === 'redirect')
        return { status: 302, headers: { location: outcome.location, 'cache-control': 'no-store' } };
    const f = outcome.failure;
    const body = `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width"><title>${esc(outcome.title)}</title></head>
<body style="font-family:system-ui,sans-serif;max-width:40rem;margin:3rem auto;padding:0 1rem">
<h1>${esc(outcome.title)}</h1>
${f ? `<p>${esc(f.message)}</p><p><strong>What to do:</strong> ${esc(f.hint)}</p><p><small>Code: <code id="code">${esc(f.code)}</code></small></p>` : `<p>${esc(outcome.detail ?? '')}</p>`}
</body></html>`;
    return {
        status: outcome.status,
        body,
        headers: {
            'content-type': 'text/html; charset=utf-8',
            'cache-control': 'no-store',
            'x-error-code': f?.code ?? '',
        },
    };
}

function esc(s: string): string {
    return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
