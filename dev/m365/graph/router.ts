import type { TempAuth } from './content/tempauth';
import { contentRedirect } from './content/download';
import { simpleUpload } from './content/simpleUpload';
import type { DeltaFeeds } from './delta/delta';
import { resolveDrive, resolveItem } from './drives/resolve';
import { getMe, sitesRoute } from './drives/routes';
import { parseDriveAddress, type DriveAddress } from './http/address';
import { metadataUrl, type GraphContext } from './http/context';
import { GraphError } from './http/errors';
import { createChild, deleteRoute, listChildren, patchItem, sendItem } from './items/routes';
import { serializeDrive } from './items/serialize';
import type { Subscriptions } from './subscriptions/subscriptions';
import type { UploadSessions } from './uploads/sessions';

/** Dispatches an authenticated `/v1.0` request to its route. */
export interface Routes {
    tempAuth: TempAuth;
    uploads: UploadSessions;
    delta: DeltaFeeds;
    subscriptions: Subscriptions;
}

export async function routeGraph(ctx: GraphContext, routes: Routes): Promise<void> {
    const { path, ex } = ctx;
    if (path === '/me' && ex.method === 'GET') return getMe(ctx);
    if (path.startsWith('/subscriptions')) return routes.subscriptions.route(ctx);
    const address = parseDriveAddress(path);
    if (address) return driveRoute(ctx, routes, address);
    if (path.startsWith('/sites') && ex.method === 'GET' && sitesRoute(ctx)) return;
    throw new GraphError(400, 'BadRequest', `Resource not found for the segment '${path.split('/')[1] ?? ''}'.`);
}

async function driveRoute(ctx: GraphContext, routes: Routes, address: DriveAddress): Promise<void> {
    const method = ctx.ex.method;
    const write = !['GET', 'HEAD'].includes(method);
    const drive = resolveDrive(ctx, address.drive, write ? 'write' : 'read');
    if (!address.item) {
        if (method !== 'GET') throw notAllowed();
        ctx.ex.sendJson(200, {
            '@odata.context': metadataUrl(ctx.state, 'drives/$entity'),
            ...serializeDrive(ctx.state, drive),
        });
        return;
    }
    const item = address.item;
    const action = item.action.startsWith('delta(') ? 'delta' : item.action;
    switch (`${method} ${action}`) {
        case 'GET ':
            return sendItem(ctx, 200, drive, resolveItem(ctx, drive, item));
        case 'PATCH ':
            return patchItem(ctx, drive, resolveItem(ctx, drive, item));
        case 'DELETE ':
            return deleteRoute(ctx, resolveItem(ctx, drive, item));
        case 'GET children':
            return listChildren(ctx, drive, resolveItem(ctx, drive, item));
        case 'POST children':
            return createChild(ctx, drive, resolveItem(ctx, drive, item));
        case 'GET content':
            return contentRedirect(ctx, resolveItem(ctx, drive, item));
        case 'PUT content':
            return simpleUpload(ctx, drive, item);
        case 'POST createUploadSession':
            return routes.uploads.create(ctx, drive, item);
        case 'GET delta':
            return routes.delta.handle(ctx, drive, resolveItem(ctx, drive, item));
        default:
            throw action === '' || ['children', 'content', 'createUploadSession', 'delta'].includes(action)
                ? notAllowed()
                : new GraphError(400, 'BadRequest', `Resource not found for the segment '${action}'.`);
    }
}

const notAllowed = (): GraphError =>
    new GraphError(405, 'notSupported', 'The requested method is not supported on this resource.');
