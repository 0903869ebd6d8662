import type { IncomingMessage, ServerResponse } from 'node:http';
import type { RouteHandler } from '../contract';
import { sendHtml, sendJson } from '../http';
import { handleAuthorizeGet, handleAuthorizePost } from './authorize';
import { renderErrorLookup } from './authorizePage';
import type { EntraContext } from './context';
import { jsonWebKeySet, openIdConfiguration } from './discovery';
import { Aadsts, errorBody } from './errors';
import { resolveTenantSegment, type TenantSegment } from './tenantResolution';
import { handleToken } from './tokenEndpoint';

type EntraEndpoint = (
    ctx: EntraContext,
    req: IncomingMessage,
    res: ServerResponse,
    resolved: TenantSegment,
    url: URL,
) => Promise<void>;

/** Entra's v2.0 endpoints, each under /{tenant}/ (GUID, verified domain, common or organizations). */
const endpoints: Record<string, Partial<Record<string, EntraEndpoint>>> = {
    'v2.0/.well-known/openid-configuration': { GET: discoveryDocument },
    'discovery/v2.0/keys': { GET: keys },
    'oauth2/v2.0/authorize': { GET: handleAuthorizeGet, POST: handleAuthorizePost },
    'oauth2/v2.0/token': { POST: handleToken },
};

export function createEntraRoutes(ctx: EntraContext): RouteHandler {
    return async (req, res, url) => {
        if (url.pathname === '/error') {
            sendHtml(res, 200, renderErrorLookup(url.searchParams.get('code') ?? ''));
            return true;
        }
        const match = /^\/([^/]+)\/(.+)$/.exec(url.pathname);
        const endpoint = match && endpoints[match[2]!];
        if (!match || !endpoint) return false;
        const handler = endpoint[req.method ?? 'GET'];
        if (!handler) {
            sendJson(
                res,
                405,
                { error: 'invalid_request', error_description: `${req.method} is not supported here.` },
                { Allow: Object.keys(endpoint).join(', ') },
            );
            return true;
        }
        await handler(ctx, req, res, resolveTenantSegment(ctx.tenants, decodeURIComponent(match[1]!)), url);
        return true;
    };
}

async function discoveryDocument(
    ctx: EntraContext,
    _req: IncomingMessage,
    res: ServerResponse,
    resolved: TenantSegment,
): Promise<void> {
    if (resolved.kind === 'unknown') return tenantNotFound(ctx, res, resolved.segment);
    sendJson(res, 200, openIdConfiguration(ctx, resolved));
}

async function keys(
    ctx: EntraContext,
    _req: IncomingMessage,
    res: ServerResponse,
    resolved: TenantSegment,
): Promise<void> {
    if (resolved.kind === 'unknown') return tenantNotFound(ctx, res, resolved.segment);
    sendJson(res, 200, jsonWebKeySet(ctx));
}

/** Discovery for an unknown tenant: 400 invalid_tenant with AADSTS90002, as Entra answers. */
function tenantNotFound(ctx: EntraContext, res: ServerResponse, segment: string): void {
    const error = Aadsts.tenantNotFound(segment, 'invalid_tenant');
    sendJson(res, 400, errorBody(error, { now: ctx.clock.now(), authorityHost: ctx.authorityHost }));
}
