import type { HttpResponse } from '@azure/functions';
import { appendFileSync } from 'node:fs';
import type { ApiContract, Exchange, Violation } from './apiContract';

/**
 * Collects contract violations of the exchanges the local host serves, when API_CONTRACT=enforce (set
 * by `npm test`). The test run's setup file (test/support/apiContract.ts) fails a suite that left any.
 * Off by default: `npm start` does not pay for it.
 */
const violations: (Violation & { request: string })[] = [];
let contract: ApiContract | undefined;

export function contractEnforced(): boolean {
    return process.env.API_CONTRACT === 'enforce';
}

/** Checks one exchange; the response is cloned for JSON bodies only (streams are never buffered). */
export async function recordExchange(
    request: { method: string; url: URL; body: Buffer; contentType?: string },
    response: HttpResponse,
): Promise<void> {
    if (!contractEnforced()) return;
    if (!contract) {
        const { ApiContract } = await import('./apiContract');
        contract = new ApiContract();
    }
    const contentType = response.headers.get('content-type') ?? undefined;
    const json = contentType?.toLowerCase().startsWith('application/json');
    const responseText = json ? await response.clone().text() : undefined;
    const exchange: Exchange = {
        method: request.method,
        path: request.url.pathname,
        query: request.url.searchParams,
        requestJson: parseJson(request.contentType, request.body),
        status: response.status,
        contentType,
        responseJson: responseText ? parseJson('application/json', Buffer.from(responseText)) : undefined,
        hasBody: !json && response.body !== null,
    };
    for (const v of contract.check(exchange)) {
        const found = { ...v, request: `${request.method} ${request.url.pathname}${request.url.search}` };
        violations.push(found);
        // API_CONTRACT_LOG=<file>: every violation of the run as JSON lines, to survey them all at once.
        if (process.env.API_CONTRACT_LOG) appendFileSync(process.env.API_CONTRACT_LOG, JSON.stringify(found) + '\n');
    }
}

/** Returns and forgets what was recorded. */
export function takeViolations(): (Violation & { request: string })[] {
    return violations.splice(0);
}

function parseJson(contentType: string | undefined, body: Buffer): unknown {
    if (!contentType?.toLowerCase().startsWith('application/json') || body.length === 0) return undefined;
    try {
        return JSON.parse(body.toString('utf8'));
    } catch {
        return undefined;
    }
}
