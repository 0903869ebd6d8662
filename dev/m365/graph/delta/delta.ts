import { graphOrigin } from '../../publicOrigin';
import type { GraphContext } from '../http/context';
import { metadataUrl } from '../http/context';
import { GraphError, badRequest } from '../http/errors';
import { ancestors, isAncestor, liveChildren } from '../items/operations';
import { applySelect, serializeItem } from '../items/serialize';
import type { ResyncVariant } from '../model/options';
import type { SimState } from '../model/state';
import { isoSeconds } from '../model/time';
import type { SimDrive, SimItem } from '../model/types';

/**
 * `GET .../root/delta`. Tokens are opaque handles on server-side cursors:
 * - a deltaLink token remembers the drive's change sequence at the time it was issued;
 * - a nextLink token is an enumeration in progress: a queue of item ids fixed when it started,
 *   each emitted with its state *at the time of the page*. Items that change while the client
 *   pages are appended again at the end (same id twice: the last occurrence wins), and the final
 *   deltaLink covers everything up to that point.
 * Tokens issued before expireTokens() answer 410 with a Location that starts over (driveitem-delta),
 * or, as switches for what the field reports, with a Location that fails (onedrive-api-docs#249) or a
 * plain `resyncRequired` with no Location at all (onedrive-api-docs#1356). Deleted items whose
 * tombstone was dropped (faults/deltaQuirks.ts, onedrive-api-docs#1927) are never listed.
 */
interface Enumeration {
    driveId: string;
    scopeId: string;
    epoch: number;
    /** Every change up to this sequence is in the queue. */
    snapshotSeq: number;
    queue: string[];
    pos: number;
    excludeParent: boolean;
    /** The Location of a 410 that answers 500 (onedrive-api-docs#249). */
    failing?: boolean;
}

interface DeltaCursor {
    kind: 'delta';
    driveId: string;
    scopeId: string;
    epoch: number;
    seq: number;
}

/** A nextLink: an enumeration and the position of its next page (replaying it repeats the page). */
interface PageCursor {
    kind: 'page';
    driveId: string;
    epoch: number;
    e: Enumeration;
    pos: number;
}

/** What a 410 carries: a working Location (documented), a failing one, or none (field reports). */
export type ResyncLocation = 'valid' | 'fails' | 'absent';

interface Resync {
    variant: ResyncVariant;
    location: ResyncLocation;
}

const RESYNC_MESSAGE =
    "Resync required. Replace any local items with the server's version (including deletes) if you're sure that the service was up to date with your local changes when you last sync'd. Upload any local changes that the server doesn't know about.";

export class DeltaFeeds {
    private readonly cursors = new Map<string, PageCursor | DeltaCursor>();
    private readonly resync = new Map<string, Resync>();
    private snapshotFailures = 0;

    constructor(
        private readonly state: SimState,
        private readonly mintUrl: (item: SimItem) => string,
    ) {}

    /** Invalidates every token of the drive; the next use answers 410 in the given variant. */
    expireTokens(driveId: string, variant: ResyncVariant = 'resyncRequired', location: ResyncLocation = 'valid'): void {
        const drive = this.state.drives.get(driveId);
        if (!drive) throw new Error(`No drive ${driveId}`);
        drive.tokenEpoch++;
        this.resync.set(driveId, { variant, location });
    }

    /** The next `n` delta calls fail with 503 cannotSnapshotTree. */
    failSnapshots(n: number): void {
        this.snapshotFailures = n;
    }

    handle(ctx: GraphContext, drive: SimDrive, scope: SimItem): void {
        if (scope.parentId && drive.driveType !== 'personal' && this.state.options.delta.rejectNonRootOnBusiness) {
            throw badRequest('Delta is only supported on the root of a OneDrive for Business or SharePoint drive.');
        }
        if (this.snapshotFailures > 0) {
            this.snapshotFailures--;
            throw new GraphError(
                503,
                'serviceNotAvailable',
                'Failed to get a consistent delta snapshot. Try again later.',
                'cannotSnapshotTree',
                { casing: 'innererror' },
            );
        }
        const token = ctx.ex.url.searchParams.get('token') ?? functionToken(ctx.path);
        const enumeration = this.cursorFor(ctx, drive, scope, token);
        if (!enumeration) return; // token=latest answered
        this.sendPage(ctx, drive, enumeration);
    }

    private cursorFor(
        ctx: GraphContext,
        drive: SimDrive,
        scope: SimItem,
        token: string | null,
    ): Enumeration | undefined {
        const excludeParent =
            /deltaExcludeParent/i.test(ctx.ex.header('prefer') ?? '') || ctx.ex.header('deltaexcludeparent') === 'true';
        if (token === null || token === '') return this.startEnumeration(drive, scope, 0, excludeParent);
        if (token === 'latest') {
            const link = this.issueDeltaLink(drive, scope.id, drive.seq);
            ctx.ex.sendJson(200, {
                '@odata.context': metadataUrl(this.state, 'Collection(driveItem)'),
                value: [],
                '@odata.deltaLink': this.link(ctx, link),
            });
            return undefined;
        }
        if (/^\d{4}-\d{2}-\d{2}T/.test(token)) {
            if (drive.driveType === 'personal')
                throw badRequest('Timestamp tokens are only supported on OneDrive for Business and SharePoint.');
            return this.startEnumeration(drive, scope, seqAt(drive, Date.parse(token)), excludeParent);
        }
        const cursor = this.cursors.get(token);
        if (!cursor || cursor.driveId !== drive.id || cursor.epoch !== drive.tokenEpoch) this.gone(ctx, drive, scope);
        if (cursor.kind === 'delta') {
            const injected = this.state.deltaQuirks.injectsResync();
            if (injected) {
                this.expireTokens(drive.id, 'resyncRequired', injected.location);
                this.gone(ctx, drive, scope);
            }
            return this.startEnumeration(drive, scope, cursor.seq, excludeParent);
        }
        if (cursor.e.failing) throw new GraphError(500, 'generalException', 'An unspecified error has occurred.');
        cursor.e.pos = cursor.pos;
        return cursor.e;
    }

    /** 410 Gone, usually with a Location that starts a fresh enumeration. */
    private gone(ctx: GraphContext, drive: SimDrive, scope: SimItem): never {
        const resync = this.resync.get(drive.id) ?? { variant: 'resyncRequired' as ResyncVariant, location: 'valid' };
        if (resync.location === 'absent') {
            // The body onedrive-api-docs#1356 quotes: no inner code, innerError with only date and request-id.
            throw new GraphError(410, 'resyncRequired', RESYNC_MESSAGE, undefined, {
                casing: 'innererror',
                extra: { innerError: { date: isoSeconds(this.state.now()), 'request-id': ctx.ex.requestId } },
            });
        }
        const fresh = this.startEnumeration(drive, scope, 0, false);
        fresh.failing = resync.location === 'fails';
        const location = this.link(ctx, this.rememberPage(fresh));
        const inner = resync.variant === 'resyncRequired' ? undefined : resync.variant;
        throw new GraphError(410, 'resyncRequired', RESYNC_MESSAGE, inner, {
            casing: 'innererror',
            headers: { location },
        });
    }

    private startEnumeration(drive: SimDrive, scope: SimItem, sinceSeq: number, excludeParent: boolean): Enumeration {
        const e: Enumeration = {
            driveId: drive.id,
            scopeId: scope.id,
            epoch: drive.tokenEpoch,
            snapshotSeq: drive.seq,
            queue: [],
            pos: 0,
            excludeParent,
        };
        e.queue = sinceSeq === 0 ? this.fullQueue(scope) : this.changesQueue(scope, sinceSeq, excludeParent);
        return e;
    }

    /** Initial enumeration: every live item, each folder before its contents. */
    private fullQueue(scope: SimItem): string[] {
        const out: string[] = [];
        const walk = (folder: SimItem): void => {
            out.push(folder.id);
            for (const child of liveChildren(this.state, folder)) {
                if (child.isFolder) walk(child);
                else out.push(child.id);
            }
        };
        walk(scope);
        return this.order(out);
    }

    /** Items changed after `sinceSeq` (tombstones included), each preceded by its ancestor chain. */
    private changesQueue(scope: SimItem, sinceSeq: number, excludeParent: boolean): string[] {
        const changed = [...this.state.items.values()]
            .filter(
                (i) =>
                    i.driveId === scope.driveId &&
                    i.seq > sinceSeq &&
                    (i.id === scope.id || isAncestor(this.state, scope, i)),
            )
            .sort((a, b) => a.seq - b.seq);
        const out: string[] = [];
        const seen = new Set<string>();
        const push = (item: SimItem): void => {
            if (seen.has(item.id)) return;
            seen.add(item.id);
            out.push(item.id);
        };
        for (const item of changed) {
            if (!excludeParent)
                for (const a of ancestors(this.state, item))
                    if (a.id === scope.id || isAncestor(this.state, scope, a)) push(a);
            push(item);
        }
        return this.order(out);
    }

    private order(ids: string[]): string[] {
        return this.state.options.delta.ordering === 'childFirst' ? ids.reverse() : ids;
    }

    private sendPage(ctx: GraphContext, drive: SimDrive, e: Enumeration): void {
        const top = Number(ctx.ex.url.searchParams.get('$top') ?? NaN);
        const size = Math.max(
            1,
            Math.min(this.state.options.delta.pageSize, Number.isInteger(top) && top > 0 ? top : Infinity),
        );
        if (e.pos >= e.queue.length) this.extendWithLateChanges(drive, e);
        const ids = e.queue.slice(e.pos, e.pos + size);
        e.pos += ids.length;
        if (e.pos >= e.queue.length) this.extendWithLateChanges(drive, e);
        const duplicates = this.state.options.delta.duplicates
            ? e.queue.slice(Math.max(0, e.pos - ids.length - 2), e.pos - ids.length)
            : [];
        const select = ctx.ex.url.searchParams.get('$select');
        const wantsUrl = !!select && select.includes('@microsoft.graph.downloadUrl');
        const listed = [...duplicates, ...ids].filter((id) => !tombstoneDropped(this.state.items.get(id) as SimItem));
        const value = listed.map((id) => {
            const item = this.state.items.get(id) as SimItem;
            return applySelect(
                serializeItem(this.state, item, { delta: true, downloadUrl: wantsUrl ? this.mintUrl : undefined }),
                select,
            );
        });
        const body: Record<string, unknown> = {
            '@odata.context': metadataUrl(this.state, 'Collection(driveItem)'),
            value,
        };
        if (e.pos < e.queue.length) {
            body['@odata.nextLink'] = this.link(ctx, this.rememberPage(e));
        } else {
            body['@odata.deltaLink'] = this.link(ctx, this.issueDeltaLink(drive, e.scopeId, e.snapshotSeq));
        }
        ctx.ex.sendJson(200, body);
    }

    /** Changes made while the client was paging join the end of this enumeration. */
    private extendWithLateChanges(drive: SimDrive, e: Enumeration): void {
        if (drive.seq === e.snapshotSeq) return;
        const scope = this.state.items.get(e.scopeId) as SimItem;
        const late = this.changesQueue(scope, e.snapshotSeq, e.excludeParent);
        e.snapshotSeq = drive.seq;
        e.queue.push(...late);
    }

    /** A token per page, so a client that retries a nextLink gets that page again. */
    private rememberPage(e: Enumeration): string {
        const token = this.state.ids.opaque('delta');
        this.cursors.set(token, { kind: 'page', driveId: e.driveId, epoch: e.epoch, e, pos: e.pos });
        return token;
    }

    private issueDeltaLink(drive: SimDrive, scopeId: string, seq: number): string {
        const token = this.state.ids.opaque('delta');
        this.cursors.set(token, { kind: 'delta', driveId: drive.id, scopeId, epoch: drive.tokenEpoch, seq });
        return token;
    }

    /** The same addressing the client used, with `token` and the query options it sent. */
    private link(ctx: GraphContext, token: string): string {
        const path = ctx.ex.url.pathname.replace(/\/delta\(.*\)$/, '/delta');
        const q = new URLSearchParams();
        for (const key of ['$select', '$expand', '$top']) {
            const v = ctx.ex.url.searchParams.get(key);
            if (v !== null) q.set(key, v);
        }
        q.set('token', token);
        return `${graphOrigin(this.state.deps.baseUrl)}${path}?${q.toString()}`;
    }
}

/** A deleted item whose tombstone the field-reported fault dropped: delta never shows it again. */
function tombstoneDropped(item: SimItem): boolean {
    return item.deletedAt !== undefined && item.tombstoneDropped === true;
}

/** `delta(token='...')`, the function-call form of the token. */
function functionToken(path: string): string | null {
    const m = /\/delta\(token='([^']*)'\)$/.exec(path);
    return m ? decodeURIComponent(m[1]) : null;
}

/** The drive's change sequence as of a point in time. */
function seqAt(drive: SimDrive, at: number): number {
    let seq = 0;
    for (const entry of drive.seqLog) {
        if (entry.at > at) break;
        seq = entry.seq;
    }
    return seq;
}
