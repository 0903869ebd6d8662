import { graphOrigin } from '../../publicOrigin';
import { mintDownloadUrl } from '../content/downloadUrl';
import { checkIfMatch } from '../http/conditions';
import { identityOf, metadataUrl, type GraphContext } from '../http/context';
import { GraphError, badRequest } from '../http/errors';
import type { SimDrive, SimItem } from '../model/types';
import { parseIso, truncateToSecond } from '../model/time';
import { deleteItem, liveChildren, parseConflictBehavior, putItem, renameOrMove, stamp } from './operations';
import { applySelect, serializeItem } from './serialize';

/** driveItem CRUD: GET, children (paged), create folder, PATCH rename/move, DELETE. */

export function itemJson(ctx: GraphContext, item: SimItem): Record<string, unknown> {
    return serializeItem(ctx.state, item, { downloadUrl: (i) => mintDownloadUrl(ctx.state, ctx.tempAuth, i) });
}

export function sendItem(ctx: GraphContext, status: number, drive: SimDrive, item: SimItem): void {
    const body = applySelect(itemJson(ctx, item), ctx.ex.url.searchParams.get('$select'));
    ctx.ex.sendJson(status, {
        '@odata.context': metadataUrl(ctx.state, `drives('${drive.id}')/items/$entity`),
        ...body,
    });
}

export function listChildren(ctx: GraphContext, drive: SimDrive, folder: SimItem): void {
    if (!folder.isFolder) throw badRequest('The item is not a folder.');
    const q = ctx.ex.url.searchParams;
    const top = clampTop(q.get('$top'), ctx.state.options.childrenPageSize);
    const offset = decodeSkipToken(q.get('$skiptoken'));
    // Offset paging, as Graph's: writes between pages can shift items (docs: not guaranteed complete).
    const all = liveChildren(ctx.state, folder);
    const page = all.slice(offset, offset + top);
    const select = q.get('$select');
    const body: Record<string, unknown> = {
        '@odata.context': metadataUrl(ctx.state, `drives('${drive.id}')/items('${folder.id}')/children`),
        value: page.map((i) => applySelect(itemJson(ctx, i), select)),
    };
    if (offset + top < all.length) {
        const next = new URL(ctx.ex.url.href);
        next.searchParams.set(
            '$skiptoken',
            Buffer.from(`Paged=TRUE&p_SortBehavior=0&p_ID=${offset + top}`).toString('base64url'),
        );
        body['@odata.nextLink'] = `${graphOrigin(ctx.state.deps.baseUrl)}${next.pathname}${next.search}`;
    }
    ctx.ex.sendJson(200, body);
}

function clampTop(raw: string | null, fallback: number): number {
    if (raw === null) return fallback;
    const n = Number(raw);
    if (!Number.isInteger(n) || n < 1) throw badRequest(`Invalid $top value: ${raw}`);
    return Math.min(n, 999);
}

function decodeSkipToken(raw: string | null): number {
    if (!raw) return 0;
    const m = /p_ID=(\d+)/.exec(Buffer.from(raw, 'base64url').toString('utf8'));
    if (!m) throw badRequest('Invalid $skiptoken.');
    return Number(m[1]);
}

export async function createChild(ctx: GraphContext, drive: SimDrive, parent: SimItem): Promise<void> {
    const body = await ctx.ex.json();
    if (!body.folder || typeof body.folder !== 'object') {
        throw badRequest(
            'Creating a file through children requires content: use PUT .../content or an upload session.',
        );
    }
    const conflictBehavior = parseConflictBehavior(body['@microsoft.graph.conflictBehavior'], 'fail');
    const { item } = putItem(ctx.state, parent, {
        name: body.name as string,
        isFolder: true,
        by: identityOf(ctx),
        conflictBehavior,
    });
    sendItem(ctx, 201, drive, item);
}

interface PatchBody {
    name?: unknown;
    parentReference?: { id?: unknown; driveId?: unknown; path?: unknown };
    fileSystemInfo?: { createdDateTime?: unknown; lastModifiedDateTime?: unknown };
    description?: unknown;
}

export async function patchItem(ctx: GraphContext, drive: SimDrive, item: SimItem): Promise<void> {
    checkIfMatch(ctx.ex, item);
    const body = (await ctx.ex.json()) as PatchBody;
    const by = identityOf(ctx);
    let parent: SimItem | undefined;
    if (body.parentReference) {
        const ref = body.parentReference;
        if (ref.driveId !== undefined && ref.driveId !== drive.id)
            throw badRequest('Moving items between drives is not supported.');
        if (ref.id === 'root') throw badRequest('Use the id of the drive\'s root item, not "root".');
        if (typeof ref.id !== 'string') throw badRequest('parentReference.id is required to move an item.');
        parent = ctx.state.items.get(ref.id);
        if (!parent || parent.driveId !== drive.id || parent.deletedAt !== undefined)
            throw new GraphError(404, 'itemNotFound', 'The destination folder was not found.');
        if (!parent.isFolder) throw badRequest('The destination is not a folder.');
    }
    if (body.name !== undefined || parent) {
        renameOrMove(ctx.state, item, { name: body.name === undefined ? undefined : String(body.name), parent }, by);
    }
    if (body.fileSystemInfo) applyFileSystemInfo(ctx, drive, item, body.fileSystemInfo);
    if (typeof body.description === 'string') {
        item.description = body.description;
        stamp(ctx.state, item, 'metadata');
    }
    sendItem(ctx, 200, drive, item);
}

/** Setting mtime after the fact: on business drives it creates a version (rclone#1716). */
function applyFileSystemInfo(
    ctx: GraphContext,
    drive: SimDrive,
    item: SimItem,
    fs: NonNullable<PatchBody['fileSystemInfo']>,
): void {
    const created = fs.createdDateTime === undefined ? undefined : parseIso(fs.createdDateTime);
    const modified = fs.lastModifiedDateTime === undefined ? undefined : parseIso(fs.lastModifiedDateTime);
    if (
        (fs.createdDateTime !== undefined && created === undefined) ||
        (fs.lastModifiedDateTime !== undefined && modified === undefined)
    ) {
        throw badRequest('Invalid date in fileSystemInfo.');
    }
    if (created !== undefined) item.fsCreatedAt = truncateToSecond(created);
    if (modified !== undefined) item.fsModifiedAt = truncateToSecond(modified);
    item.modifiedAt = ctx.state.now();
    item.modifiedBy = identityOf(ctx);
    if (drive.driveType !== 'personal' && !item.isFolder) item.versions++;
    stamp(ctx.state, item, 'metadata');
}

export function deleteRoute(ctx: GraphContext, item: SimItem): void {
    checkIfMatch(ctx.ex, item);
    deleteItem(ctx.state, item);
    ctx.ex.sendEmpty(204);
}
