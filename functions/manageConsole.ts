import type { HttpRequest, HttpResponseInit } from '@azure/functions';
import { handle } from '../lib/http/handle';
import { http } from './definition';

/**
 * GET /manage: the admin console page. Opened as /manage?code=<function key>; the page moves the key to
 * sessionStorage and out of the address bar. Nothing here logs the URL (it carries the key).
 */
export const manageConsoleHandler = handle(async (_request: HttpRequest): Promise<HttpResponseInit> => {
    const { consolePage } = await import('../lib/console/page');
    const page = consolePage();
    return { status: 200, body: page.html, headers: page.headers };
});

export const manageConsole = http('manageConsole', {
    route: 'manage',
    methods: ['GET'],
    authLevel: 'function',
    handler: manageConsoleHandler,
});
