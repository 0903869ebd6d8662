import { authorizeDrive, type Access } from '../access/access';
import type { DriveSelector, ItemAddress } from '../http/address';
import { identityOf, type GraphContext } from '../http/context';
import { GraphError, nameAlreadyExists, notFound } from '../http/errors';
import { findChild, putItem, resolveRelative } from '../items/operations';
import type { SimDrive, SimItem } from '../model/types';

/** Turns a drive selector into a drive the principal may use, or throws the Graph error. */
export function resolveDrive(ctx: GraphContext, selector: DriveSelector, access: Access): SimDrive {
    const drive = findDrive(ctx, selector);
    authorizeDrive(ctx.state, ctx.principal, drive, access);
    return drive;
}

function findDrive(ctx: GraphContext, selector: DriveSelector): SimDrive {
    const { state, principal } = ctx;
    switch (selector.kind) {
        case 'me':
            if (principal.kind !== 'delegated' || !principal.userId) throw meNeedsUser();
            return oneDriveOf(ctx, principal.userId);
        case 'user': {
            const user = state.deps.directory.getUser(principal.tenantId, selector.idOrUpn);
            if (!user) {
                throw new GraphError(
                    404,
                    'Request_ResourceNotFound',
                    `Resource '${selector.idOrUpn}' does not exist or one of its queried reference-property objects are not present.`,
                );
            }
            return oneDriveOf(ctx, user.id);
        }
        case 'drive': {
            const drive = state.drives.get(selector.driveId);
            if (!drive || drive.tenantId !== principal.tenantId)
                throw new GraphError(404, 'itemNotFound', 'The requested drive was not found.');
            return drive;
        }
        case 'site': {
            const site = state.sites.get(selector.siteId);
            const drive = site && site.tenantId === principal.tenantId ? state.drives.get(site.driveIds[0]) : undefined;
            if (!drive) throw new GraphError(404, 'itemNotFound', 'Requested site could not be found');
            return drive;
        }
    }
}

export function meNeedsUser(): GraphError {
    return new GraphError(400, 'BadRequest', '/me request is only valid with delegated authentication flow.');
}

function oneDriveOf(ctx: GraphContext, userId: string): SimDrive {
    for (const drive of ctx.state.drives.values()) {
        if (drive.ownerUserId === userId && drive.tenantId === ctx.principal.tenantId) return drive;
    }
    throw new GraphError(404, 'itemNotFound', "The user's OneDrive was not found (no license or not provisioned).");
}

/** The base item (root or items/{id}) of an address; deleted items no longer exist. */
export function baseItem(ctx: GraphContext, drive: SimDrive, address: ItemAddress): SimItem {
    if (address.base === 'root') return ctx.state.items.get(drive.rootId) as SimItem;
    const item = ctx.state.items.get(address.base.itemId);
    if (!item || item.driveId !== drive.id || item.deletedAt !== undefined) throw notFound('Item not found');
    return item;
}

/** The addressed item, which must exist. */
export function resolveItem(ctx: GraphContext, drive: SimDrive, address: ItemAddress): SimItem {
    const base = baseItem(ctx, drive, address);
    if (!address.path || address.path.length === 0) return base;
    const item = resolveRelative(ctx.state, base, address.path.join('/'));
    if (!item) throw notFound('Item not found');
    return item;
}

/**
 * For writes that may create the item (PUT content, createUploadSession): the parent folder and the
 * name, plus the existing item if there is one.
 *
 * `createParents`: a simple upload to a path creates the folders the path names that do not exist
 * yet ("Making a call using only path-based addressing correctly upserts: PUT
 * /drive/root:/multi/level/upsert.jpg:/content", onedrive-api-docs#83; the item-id + path form was
 * fixed to do the same). createUploadSession does not: "the parent folder must exist before you call
 * createSession" (onedrive-api-docs#364), so it answers 404 as before.
 */
export function resolveTarget(
    ctx: GraphContext,
    drive: SimDrive,
    address: ItemAddress,
    options: { createParents?: boolean } = {},
): { parent?: SimItem; name?: string; existing?: SimItem } {
    const base = baseItem(ctx, drive, address);
    if (!address.path || address.path.length === 0) {
        return { existing: base };
    }
    const parentNames = address.path.slice(0, -1);
    const parent = options.createParents
        ? createMissingFolders(ctx, base, parentNames)
        : resolveRelative(ctx.state, base, parentNames.join('/'));
    if (!parent || !parent.isFolder) throw notFound('The parent folder does not exist.');
    const name = address.path[address.path.length - 1];
    return { parent, name, existing: resolveRelative(ctx.state, parent, name) };
}

/** Walks `names` below `base`, creating each missing folder as the caller; a file in the way is a conflict. */
function createMissingFolders(ctx: GraphContext, base: SimItem, names: readonly string[]): SimItem {
    let at = base;
    for (const name of names) {
        if (!at.isFolder) throw notFound('The parent folder does not exist.');
        const next = findChild(ctx.state, at, name);
        if (next && !next.isFolder) throw nameAlreadyExists(name);
        at =
            next ??
            putItem(ctx.state, at, { name, isFolder: true, by: identityOf(ctx), conflictBehavior: 'fail' }).item;
    }
    return at;
}
