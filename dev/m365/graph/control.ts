import type { IncomingMessage, ServerResponse } from 'node:http';
import type { GraphSimApi } from './api';
import { GraphError } from './http/errors';

/**
 * `/__control/graph/{method}`: the GraphSimApi over HTTP, for processes that cannot call it
 * directly (the service under test, scripts). `POST` with `{"args":[...]}` (or no body for
 * argument-less methods, which also answer GET). Answers `{"result": ...}`; Buffers as base64.
 */
export async function handleControl(
    api: GraphSimApi,
    req: IncomingMessage,
    res: ServerResponse,
    url: URL,
): Promise<boolean> {
    const m = /^\/__control\/graph\/([A-Za-z]+)$/.exec(url.pathname);
    if (!m) return false;
    const name = m[1] as keyof GraphSimApi;
    const fn = api[name] as unknown;
    if (typeof fn !== 'function')
        return reply(res, 404, { error: { code: 'notFound', message: `No control method ${name}` } });
    try {
        const args = req.method === 'POST' ? await readArgs(req) : [];
        const result: unknown = await (fn as (...a: unknown[]) => unknown).apply(api, args);
        return reply(res, 200, {
            result: Buffer.isBuffer(result) ? { base64: result.toString('base64') } : (result ?? null),
        });
    } catch (e) {
        const status = e instanceof GraphError ? e.status : 400;
        return reply(res, status, {
            error: { code: 'controlError', message: e instanceof Error ? e.message : String(e) },
        });
    }
}

async function readArgs(req: IncomingMessage): Promise<unknown[]> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const text = Buffer.concat(chunks).toString('utf8');
    if (!text) return [];
    const body = JSON.parse(text) as { args?: unknown };
    if (!Array.isArray(body.args)) throw new Error('Body must be {"args":[...]}');
    return body.args;
}

function reply(res: ServerResponse, status: number, body: unknown): true {
    const text = JSON.stringify(body);
    res.writeHead(status, {
        'content-type': 'application/json; charset=utf-8',
        'content-length': String(Buffer.byteLength(text)),
    });
    res.end(text);
    return true;
}
