import type { IncomingMessage, ServerResponse } from 'node:http';
import { HttpError, readJson, sendHttpError, sendJson } from '../http';
import { StoreError } from '../entra';

export interface RouteResult {
    status: number;
    body?: unknown;
}

export interface Route {
    method: string;
    pattern: RegExp;
    handle(input: { p: Record<string, string>; body: unknown; url: URL }): RouteResult | Promise<RouteResult>;
}

/** Dispatches to the first route whose method and path match; false when none does. */
export async function dispatch(routes: Route[], req: IncomingMessage, res: ServerResponse, url: URL): Promise<boolean> {
    const candidates = routes.filter((r) => r.pattern.test(url.pathname));
    if (candidates.length === 0) return false;
    const route = candidates.find((r) => r.method === req.method);
    if (!route) {
        sendHttpError(
            res,
            new HttpError(405, 'MethodNotAllowed', `${req.method} is not supported on ${url.pathname}.`),
        );
        return true;
    }
    const match = route.pattern.exec(url.pathname)!;
    const p = Object.fromEntries(Object.entries(match.groups ?? {}).map(([k, v]) => [k, decodeURIComponent(v)]));
    try {
        const body = ['POST', 'PATCH', 'PUT', 'DELETE'].includes(req.method ?? '') ? await readJson(req) : undefined;
        const result = await route.handle({ p, body, url });
        if (result.body === undefined) {
            res.writeHead(result.status, { 'Content-Length': 0 });
            res.end();
        } else sendJson(res, result.status, result.body);
    } catch (error) {
        if (error instanceof StoreError)
            sendHttpError(res, new HttpError(error.status, statusCode(error.status), error.message));
        else if (error instanceof HttpError) sendHttpError(res, error);
        else throw error;
    }
    return true;
}

function statusCode(status: number): string {
    return status === 404 ? 'NotFound' : status === 409 ? 'Conflict' : 'BadRequest';
}
