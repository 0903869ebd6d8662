import { contentOrigin } from '../../publicOrigin';
import type { TempAuth } from '../content/tempauth';
import { resolveTarget } from '../drives/resolve';
import type { Faults } from '../faults/faults';
import type { ItemAddress } from '../http/address';
import { checkIfMatch, checkIfNoneMatchForWrite } from '../http/conditions';
import { identityOf, metadataUrl, type GraphContext } from '../http/context';
import { GraphError, badRequest, nameAlreadyExists, preconditionFailed } from '../http/errors';
import type { Exchange } from '../http/exchange';
import { checkName } from '../items/names';
import { findChild, parseConflictBehavior, putItem, replaceContent, stamp } from '../items/operations';
import { serializeItem, usedBytes } from '../items/serialize';
import { mintDownloadUrl } from '../content/downloadUrl';
import type { SimState } from '../model/state';
import { isoSeconds, parseIso } from '../model/time';
import type { SimDrive, SimItem } from '../model/types';
import { FRAGMENT_QUANTUM, type UploadFault, type UploadSession } from './session';

/** Where upload URLs point: SharePoint's `_api/v2.0/.../uploadSession?guid=...&tempauth=...`. */
export const UPLOAD_PATH = /^\/_api\/v2\.0\/drives\/[^/]+\/items\/[^/]+\/uploadSession$/;

/** SharePoint answers on the upload URL in the OneDrive error shape (lowercase innererror). */
const sp = (
    status: number,
    code: string,
    message: string,
    inner?: string,
    headers?: Record<string, string>,
): GraphError => new GraphError(status, code, message, inner, { casing: 'innererror', headers });

const sessionNotFound = (): GraphError => sp(404, 'itemNotFound', 'The upload session was not found');

export class UploadSessions {
    readonly sessions = new Map<string, UploadSession>();
    private faultQueue: UploadFault[] = [];

    constructor(
        private readonly state: SimState,
        private readonly tempAuth: TempAuth,
        private readonly faults: Faults,
    ) {}

    addFault(fault: UploadFault): void {
        // Field quirks live with the seeded ones, so PATCH (routed elsewhere) can meet them too.
        if (fault.kind === 'transient404') this.faults.content.queueTransient404(fault.count);
        else if (fault.kind === 'spurious412') this.faults.content.queueSpurious412(fault.count, fault.on);
        else this.faultQueue.push({ ...fault });
    }

    clearFaults(): void {
        this.faultQueue = [];
    }

    private takeFault<K extends UploadFault['kind']>(kind: K): Extract<UploadFault, { kind: K }> | undefined {
        const fault = this.faultQueue.find((f) => f.kind === kind);
        if (!fault) return undefined;
        if (--fault.count <= 0) this.faultQueue.splice(this.faultQueue.indexOf(fault), 1);
        return fault as Extract<UploadFault, { kind: K }>;
    }

    /** `POST .../createUploadSession` */
    async create(ctx: GraphContext, drive: SimDrive, address: ItemAddress): Promise<void> {
        const body = await ctx.ex.json();
        const item = (body.item ?? {}) as Record<string, unknown>;
        const conflictBehavior = parseConflictBehavior(item['@microsoft.graph.conflictBehavior'], 'fail');
        const { parent, name, existing } = resolveTarget(ctx, drive, address);
        checkIfMatch(ctx.ex, existing);
        checkIfNoneMatchForWrite(ctx.ex, existing);
        const ifMatch = ctx.ex.header('if-match') !== undefined;
        // The If-Match matched, and still: 412 (onedrive-api-docs issue 1716; a switch, see contentQuirks.ts).
        if (ifMatch && existing && this.faults.content.spurious412('createUploadSession')) throw preconditionFailed();
        if (!parent && existing?.isFolder) throw badRequest('Cannot upload content to a folder.');
        const targetParent = parent ?? (this.state.items.get(existing?.parentId as string) as SimItem);
        const targetName = name ?? (existing as SimItem).name;
        if (parent)
            checkName(targetName, { isFolder: false, atLibraryRoot: !parent.parentId, driveType: drive.driveType });
        if (parent && existing && conflictBehavior === 'fail') throw nameAlreadyExists(targetName);
        const declaredSize = item.fileSize === undefined ? undefined : Number(item.fileSize);
        if (declaredSize !== undefined && (!Number.isInteger(declaredSize) || declaredSize < 0))
            throw badRequest('Invalid fileSize.');
        if (declaredSize === 0)
            throw badRequest(
                'Upload sessions need a file size greater than zero; upload empty files with PUT content.',
            );
        if (declaredSize !== undefined && declaredSize > drive.quotaTotal - usedBytes(this.state, drive)) {
            throw new GraphError(507, 'quotaLimitReached', 'Insufficient Space Available');
        }
        const fs = (item.fileSystemInfo ?? {}) as Record<string, unknown>;
        const now = this.state.now();
        const session: UploadSession = {
            id: this.state.ids.guid(),
            tenantId: drive.tenantId,
            driveId: drive.id,
            parentId: targetParent.id,
            name: targetName,
            targetItemId: parent ? undefined : existing?.id,
            conflictBehavior: parent ? conflictBehavior : 'replace',
            declaredSize,
            fsCreatedAt: parseIso(fs.createdDateTime),
            fsModifiedAt: parseIso(fs.lastModifiedDateTime),
            description: typeof item.description === 'string' ? item.description : undefined,
            deferCommit: body.deferCommit === true,
            by: identityOf(ctx),
            chunks: [],
            received: 0,
            createdAt: now,
            expiresAt: now + this.state.options.uploads.idleLifetimeMs,
            tempauthExpiresAt: now + this.state.options.uploads.tempauthLifetimeMs,
            unaligned: false,
            ifMatch: ifMatch && !!existing,
            state: 'open',
        };
        this.sessions.set(session.id, session);
        if (existing && this.state.options.uploads.bumpETagOnCreate) stamp(this.state, existing, 'metadata');
        ctx.ex.sendJson(200, {
            '@odata.context': metadataUrl(this.state, 'microsoft.graph.uploadSession'),
            uploadUrl: this.uploadUrl(session),
            expirationDateTime: isoSeconds(session.expiresAt),
            nextExpectedRanges: ['0-'],
        });
    }

    private uploadUrl(s: UploadSession): string {
        const token = this.tempAuth.sign({ aud: 'upload', ref: s.id, exp: s.tempauthExpiresAt });
        const q = `guid='${s.id}'&overwrite=${s.conflictBehavior === 'replace' ? 'True' : 'False'}&rename=${s.conflictBehavior === 'rename' ? 'True' : 'False'}&dc=0&tempauth=${token}`;
        const origin = contentOrigin(this.state.deps.baseUrl, this.state.drives.get(s.driveId)?.webUrl);
        return `${origin}/_api/v2.0/drives/${s.driveId}/items/${s.parentId}/uploadSession?${q}`;
    }

    /** Any request to an upload URL. */
    async handleUrl(ex: Exchange): Promise<void> {
        const session = this.authorise(ex);
        if (this.faults.intercept(ex, session.tenantId) === 'handled') return;
        switch (ex.method) {
            case 'PUT':
                if (this.faults.content.transientUpload404()) {
                    // The session lives on (a status GET answers): rclone issue 8545, a switch in contentQuirks.ts.
                    ex.destroyAfterResponse = true;
                    throw sessionNotFound();
                }
                return this.putFragment(ex, session);
            case 'GET':
                return this.status(ex, session);
            case 'DELETE':
                session.state = 'cancelled';
                session.chunks = [];
                ex.sendEmpty(204);
                return;
            case 'POST':
                return this.commitDeferred(ex, session);
            default:
                throw sp(405, 'notSupported', 'Method not allowed on an upload session.');
        }
    }

    private authorise(ex: Exchange): UploadSession {
        if (ex.header('authorization') !== undefined) {
            this.state.counters.preauthAuthorization.upload++;
            if (this.state.options.uploads.rejectAuthorization) {
                ex.destroyAfterResponse = true;
                throw sp(
                    401,
                    'unauthenticated',
                    'The upload URL is pre-authenticated: do not send an Authorization header.',
                    'invalidAuthenticationToken',
                );
            }
        }
        const claims = this.tempAuth.verify(ex.url.searchParams.get('tempauth'), 'upload');
        if (!claims) throw sp(401, 'unauthenticated', 'Invalid tempauth token.', 'invalidToken');
        const session = this.sessions.get(claims.ref);
        const guid = /^'?([^']*)'?$/.exec(ex.url.searchParams.get('guid') ?? '')?.[1];
        if (
            !session ||
            guid !== session.id ||
            session.state === 'cancelled' ||
            session.state === 'committed' ||
            session.state === 'failed'
        ) {
            ex.destroyAfterResponse = ex.method === 'PUT';
            throw sessionNotFound();
        }
        const drive = this.state.drives.get(session.driveId) as SimDrive;
        if (this.state.now() >= claims.exp) {
            ex.destroyAfterResponse = ex.method === 'PUT';
            // Personal: 401 expiredToken (#1073); business: 403 accessDenied (abraunegg#3355).
            throw drive.driveType === 'personal'
                ? sp(401, 'unauthenticated', 'Access token has expired.', 'expiredToken')
                : sp(403, 'accessDenied', 'Access denied');
        }
        // An idle session is gone, except that a status GET may still answer (#1073).
        if (this.state.now() >= session.expiresAt && ex.method !== 'GET') {
            ex.destroyAfterResponse = ex.method === 'PUT';
            throw sessionNotFound();
        }
        return session;
    }

    private status(ex: Exchange, s: UploadSession): void {
        let ranges = s.state === 'awaitingCommit' ? [] : [`${s.received}-`];
        if (ranges.length && this.takeFault('multipleRanges')) {
            const split = s.received + FRAGMENT_QUANTUM;
            ranges = [`${s.received}-${split - 1}`, `${split}-`];
        }
        ex.sendJson(200, { expirationDateTime: isoSeconds(s.expiresAt), nextExpectedRanges: ranges });
    }

    private async putFragment(ex: Exchange, s: UploadSession): Promise<void> {
        const lengthHeader = ex.header('content-length');
        if (lengthHeader === undefined) {
            ex.destroyAfterResponse = true;
            throw sp(411, 'invalidRequest', 'Content-Length is required.', 'lengthRequired');
        }
        const range = /^bytes (\d+)-(\d+)\/(\d+)$/.exec(ex.header('content-range') ?? '');
        if (!range) {
            ex.destroyAfterResponse = true;
            throw sp(
                400,
                'invalidRequest',
                'The Content-Range header is missing or malformed.',
                'invalidContentRangeHeader',
            );
        }
        const [start, end, total] = [Number(range[1]), Number(range[2]), Number(range[3])];
        const length = Number(lengthHeader);
        this.checkFragment(ex, s, start, end, total, length);
        let bytes: Buffer;
        try {
            bytes = await ex.body(this.state.options.uploads.maxFragmentBytes + 1);
        } catch {
            return; // a disconnected request's bytes are all discarded
        }
        if (bytes.length !== length) throw sp(400, 'invalidRequest', 'The body length does not match Content-Length.');
        this.state.counters.uploadFragments++;
        const partial = this.takeFault('partialAccept');
        const kept = partial
            ? bytes.subarray(0, Math.min(bytes.length - 1, partial.bytes ?? Math.floor(bytes.length / 2) + 1))
            : bytes;
        s.total = total;
        s.chunks.push(Buffer.from(kept));
        s.received += kept.length;
        s.expiresAt = this.state.now() + this.state.options.uploads.idleLifetimeMs;
        const last = s.received === total;
        if (!last && end + 1 === s.received && s.received % FRAGMENT_QUANTUM !== 0) s.unaligned = true;
        const failAfter = this.takeFault('commitThenFail');
        if (failAfter?.drop) {
            this.state.counters.droppedConnections++;
            if (last) this.commitQuietly(s);
            ex.destroy();
            return;
        }
        if (failAfter) {
            if (last) this.commitQuietly(s);
            throw sp(503, 'serviceNotAvailable', 'The service is temporarily unavailable.');
        }
        if (!last) {
            ex.sendJson(202, { expirationDateTime: isoSeconds(s.expiresAt), nextExpectedRanges: [`${s.received}-`] });
            return;
        }
        if (s.ifMatch && this.faults.content.spurious412('lastFragment')) {
            // The bytes are in but never committed: a retry gets 416, the status lists nothing left
            // (abraunegg `src/onedrive.d`, uploadFragment(): 412, then 416). A switch in contentQuirks.ts.
            s.state = 'awaitingCommit';
            s.preconditionFailed = true;
            throw sp(412, 'resourceModified', "ETag does not match current item's value", 'entityTagDoesNotMatch');
        }
        if (s.deferCommit) {
            s.state = 'awaitingCommit';
            ex.sendJson(202, { expirationDateTime: isoSeconds(s.expiresAt), nextExpectedRanges: [] });
            return;
        }
        this.commit(ex, s);
    }

    private checkFragment(
        ex: Exchange,
        s: UploadSession,
        start: number,
        end: number,
        total: number,
        length: number,
    ): void {
        const fail = (e: GraphError): never => {
            ex.destroyAfterResponse = true;
            throw e;
        };
        if (end < start || end >= total)
            fail(sp(400, 'invalidRequest', 'The Content-Range is invalid.', 'invalidContentRangeHeader'));
        if (
            (s.total !== undefined && total !== s.total) ||
            (s.declaredSize !== undefined && total !== s.declaredSize)
        ) {
            fail(
                sp(
                    400,
                    'invalidRequest',
                    'The Content-Range total length does not match the upload session.',
                    'fragmentLengthMismatch',
                ),
            );
        }
        if (length !== end - start + 1)
            fail(
                sp(400, 'invalidRequest', 'Content-Length does not match the Content-Range.', 'fragmentLengthMismatch'),
            );
        if (length > this.state.options.uploads.maxFragmentBytes) {
            fail(
                sp(
                    413,
                    'invalidRequest',
                    'The fragment exceeds the maximum fragment length.',
                    'maxFragmentLengthExceeded',
                ),
            );
        }
        if (s.state === 'awaitingCommit' || start < s.received)
            fail(sp(416, 'invalidRange', 'Uploaded fragment overlaps with existing data.', 'fragmentOverlap'));
        if (start > s.received)
            fail(
                sp(416, 'invalidRange', 'The uploaded fragment is not the next expected range.', 'fragmentOutOfOrder'),
            );
    }

    private async commitDeferred(ex: Exchange, s: UploadSession): Promise<void> {
        await ex.drain();
        if (s.state !== 'awaitingCommit')
            throw sp(400, 'invalidRequest', 'The upload is incomplete.', 'uploadSessionIncomplete');
        if (s.preconditionFailed)
            throw sp(412, 'resourceModified', "ETag does not match current item's value", 'entityTagDoesNotMatch');
        this.commit(ex, s);
    }

    /** Fault A: the bytes land even though the client never hears about it. */
    private commitQuietly(s: UploadSession): void {
        try {
            this.place(s);
        } catch {
            // the client will find out on its retry
        }
    }

    private commit(ex: Exchange, s: UploadSession): void {
        const { item, created } = this.place(s);
        const body = serializeItem(this.state, item, {
            downloadUrl: (i) => mintDownloadUrl(this.state, this.tempAuth, i),
        });
        ex.sendJson(created ? 201 : 200, body);
    }

    /** Writes the assembled bytes into the tree. A name clash under `fail` keeps the session. */
    private place(s: UploadSession): { item: SimItem; created: boolean } {
        if (s.unaligned && this.state.options.uploads.failCommitOnUnalignedFragments) {
            s.state = 'failed';
            throw sp(
                400,
                'invalidRequest',
                'Errors committing the file: a fragment was not a multiple of 320 KiB.',
                'uploadSessionFailed',
            );
        }
        const parent = this.state.items.get(s.parentId);
        if (!parent || parent.deletedAt !== undefined) {
            s.state = 'failed';
            throw sp(404, 'itemNotFound', 'The parent folder no longer exists.');
        }
        const content = Buffer.concat(s.chunks);
        const fs = { fsCreatedAt: s.fsCreatedAt, fsModifiedAt: s.fsModifiedAt };
        const target = s.targetItemId ? this.state.items.get(s.targetItemId) : undefined;
        let result: { item: SimItem; created: boolean };
        if (target && target.deletedAt === undefined) {
            replaceContent(this.state, target, content, s.by, fs);
            result = { item: target, created: false };
        } else {
            const clash = findChild(this.state, parent, s.name);
            if (clash && s.conflictBehavior === 'fail')
                throw sp(409, 'nameAlreadyExists', `The specified item name already exists. Name: ${s.name}`);
            result = putItem(this.state, parent, {
                name: s.name,
                isFolder: false,
                content,
                by: s.by,
                conflictBehavior: s.conflictBehavior,
                ...fs,
            });
        }
        if (s.description !== undefined) result.item.description = s.description;
        s.state = 'committed';
        s.chunks = [];
        return result;
    }
}
