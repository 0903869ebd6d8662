import type { ItemAddress } from '../http/address';
import { checkIfMatch } from '../http/conditions';
import { identityOf, type GraphContext } from '../http/context';
import { GraphError, badRequest } from '../http/errors';
import { parseConflictBehavior, putItem, replaceContent } from '../items/operations';
import { sendItem } from '../items/routes';
import { resolveTarget } from '../drives/resolve';
import type { SimDrive } from '../model/types';

/**
 * Simple upload, `PUT .../content`: new file 201, replaced 200. Default conflictBehavior is
 * replace (driveItem resource page); bodies over the limit are 413 (docs: 250 MB).
 */
export async function simpleUpload(ctx: GraphContext, drive: SimDrive, address: ItemAddress): Promise<void> {
    const limit = ctx.state.options.simpleUploadLimitBytes;
    const declared = Number(ctx.ex.header('content-length') ?? NaN);
    if (declared > limit) {
        ctx.ex.destroyAfterResponse = true;
        throw new GraphError(
            413,
            'maxFileSizeExceeded',
            `The request is too large for a simple upload (limit ${limit} bytes); use an upload session.`,
        );
    }
    const { parent, name, existing } = resolveTarget(ctx, drive, address, { createParents: true });
    checkIfMatch(ctx.ex, existing);
    const content = await ctx.ex.body(limit).catch((e: unknown) => {
        if (e instanceof GraphError && e.status === 413) ctx.ex.destroyAfterResponse = true;
        throw e;
    });
    const by = identityOf(ctx);
    if (!parent) {
        const item = existing as NonNullable<typeof existing>;
        if (item.isFolder) throw badRequest('Cannot upload content to a folder.');
        replaceContent(ctx.state, item, content, by);
        sendItem(ctx, 200, drive, item);
        return;
    }
    const conflictBehavior = parseConflictBehavior(
        ctx.ex.url.searchParams.get('@microsoft.graph.conflictBehavior'),
        'replace',
    );
    const { item, created } = putItem(ctx.state, parent, {
        name: name as string,
        isFolder: false,
        content,
        by,
        conflictBehavior,
    });
    sendItem(ctx, created ? 201 : 200, drive, item);
}
