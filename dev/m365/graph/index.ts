import type { IncomingMessage, ServerResponse } from 'node:http';
import type { GraphDeps, GraphService } from '../contract';
import { createApi, type GraphSimApi } from './api';
import { DOWNLOAD_PATH, mintDownloadUrl } from './content/downloadUrl';
import { serveDownload } from './content/download';
import { TempAuth } from './content/tempauth';
import { handleControl } from './control';
import { DeltaFeeds } from './delta/delta';
import { Faults } from './faults/faults';
import type { GraphContext } from './http/context';
import { GraphError } from './http/errors';
import { Exchange } from './http/exchange';
import { IdSource } from './model/ids';
import { SimState } from './model/state';
import { routeGraph } from './router';
import { Delivery } from './subscriptions/delivery';
import { Subscriptions } from './subscriptions/subscriptions';
import { UPLOAD_PATH, UploadSessions } from './uploads/sessions';

export type { GraphSimApi, ItemInfo, DriveInfo, SiteInfo, ContentInput, UserEdit } from './api';
export type { FaultRule, ChaosOptions } from './faults/faults';
export type { UploadFault } from './uploads/session';
export type { SimOptions, ResyncVariant, DeltaOrdering } from './model/options';
export type { Counters } from './model/state';
export { seedDemoContent, type SeededContent } from './seed';

export interface GraphServiceOptions {
    /** Everything random (ids, eTags, tokens, chaos) derives from it. */
    seed?: string;
}

/**
 * The Microsoft Graph v1.0 half of the Microsoft 365 simulator: `/v1.0/**`, SharePoint's
 * pre-authenticated download and upload URLs, and `/__control/graph/**`.
 */
export function createGraphService(
    deps: GraphDeps,
    options: GraphServiceOptions = {},
): GraphService & { api: GraphSimApi } {
    const seed = options.seed ?? 'graph-sim';
    const state = new SimState(deps, seed);
    const tempAuth = new TempAuth(`tempauth:${seed}`);
    const faults = new Faults(state);
    const uploads = new UploadSessions(state, tempAuth, faults);
    const delta = new DeltaFeeds(state, (item) => mintDownloadUrl(state, tempAuth, item));
    const delivery = new Delivery(state);
    const subscriptions = new Subscriptions(state, delivery);
    const requestIds = new IdSource(`${seed}:requests`);
    const routes = { tempAuth, uploads, delta, subscriptions };

    state.onDriveChanged((drive) => {
        const byUrl = new Map<string, Record<string, unknown>[]>();
        for (const sub of subscriptions.live()) {
            if (sub.driveId !== drive.id) continue;
            byUrl.set(sub.notificationUrl, [...(byUrl.get(sub.notificationUrl) ?? []), subscriptions.entry(sub)]);
        }
        for (const [url, entries] of byUrl) delivery.enqueue(url, entries);
    });

    const handle = async (req: IncomingMessage, res: ServerResponse, url: URL): Promise<boolean> => {
        const path = url.pathname;
        const isGraph = path === '/v1.0' || path.startsWith('/v1.0/');
        const isDownload = path === DOWNLOAD_PATH;
        const isUpload = UPLOAD_PATH.test(path);
        if (!isGraph && !isDownload && !isUpload) return false;
        state.counters.requests++;
        const ex = new Exchange(req, res, url, requestIds.guid(), deps);
        try {
            if (isDownload) serveDownload(state, tempAuth, faults, ex);
            else if (isUpload) await uploads.handleUrl(ex);
            else await serveGraph(ex);
        } catch (e) {
            if (res.headersSent || res.destroyed) return true;
            if (e instanceof GraphError) ex.sendError(e);
            else {
                console.error('graph simulator: unexpected error', e);
                ex.sendError(new GraphError(500, 'generalException', 'An unspecified error has occurred.'));
            }
        }
        return true;
    };

    const serveGraph = async (ex: Exchange): Promise<void> => {
        const auth = deps.authenticate(ex.header('authorization'));
        if (!auth.ok) {
            const expired = /expir/i.test(auth.message);
            const headers: Record<string, string> = {
                'www-authenticate': `Bearer realm="", authorization_uri="https://login.microsoftonline.com/common/oauth2/authorize", client_id="00000003-0000-0000-c000-000000000000", error="invalid_token", error_description="${expired ? 'Lifetime validation failed, the token is expired.' : 'Invalid token.'}"`,
            };
            throw new GraphError(401, 'InvalidAuthenticationToken', auth.message, undefined, { headers });
        }
        const ctx: GraphContext = {
            state,
            ex,
            principal: auth.principal,
            tempAuth,
            faults,
            path: ex.url.pathname.slice('/v1.0'.length) || '/',
        };
        if (faults.intercept(ex, auth.principal.tenantId) === 'handled') return;
        await routeGraph(ctx, routes);
    };

    const api = createApi({ state, faults, uploads, delta, subscriptions, delivery });
    return {
        handle,
        control: (req, res, url) => handleControl(api, req, res, url),
        close: () => delivery.close(),
        api,
    };
}
