import { requireDrive } from '../drives/driveRepository';
import { ApiError } from '../http/apiError';
import { requireIntegration } from '../integration/integrationSettings';
import type { Services } from '../runtime/services';
import { readAfter, readHead } from './changeLog';
import type { ChangeEvent } from './changeModel';

/** An event as the route serves it: `cursor` resumes right after it. */
export type FeedEvent = Omit<ChangeEvent, 'driveId'> & { cursor: string };

export interface FeedPage {
    value: FeedEvent[];
    /** Pass back as `?cursor=` for what comes after this page (exclusive); unchanged when the page is empty. */
    cursor: string;
    /** More events are already there: ask again at once. */
    hasMore: boolean;
    /** How long events are kept; a cursor older than that is answered 410 cursor_expired. */
    retentionDays: number;
}

/**
 * GET /api/drives/{driveId}/changes: the events after `cursor` (from the oldest retained one without
 * a cursor), at most `limit`. A cursor names a position in the feed, not a time: reading the same
 * cursor again returns the same events (and more, if more came), so a page can be replayed safely.
 */
export async function readChangeFeed(
    services: Services,
    driveId: string,
    cursor: string | undefined,
    limit: number,
): Promise<FeedPage> {
    const integration = await requireIntegration(services);
    await requireDrive(await services.tables.get('drives'), integration.id, driveId);
    const table = await services.tables.get('changes');
    const head = await readHead(table, driveId);
    const after = cursor === undefined || cursor === '' ? head.purgedThrough : parseCursor(cursor, head.sequence);
    const events = await readAfter(table, driveId, after, limit);
    // Read the retention mark after the events: a purge that ran meanwhile may have taken some of them.
    const { purgedThrough } = await readHead(table, driveId);
    const retentionDays = services.config.changeFeed.retentionDays;
    if (after < purgedThrough)
        throw new ApiError(
            410,
            'cursor_expired',
            `Changes after this cursor are older than the feed's retention (${retentionDays} days) and were removed.`,
            `Read GET /api/drives/${driveId}/changes without a cursor to continue from the oldest kept change, and list the store (GET /api/drives/${driveId}/items) once to catch up on what was missed.`,
        );
    const last = events[events.length - 1]?.sequence ?? after;
    return {
        value: events.map(({ driveId: _drive, ...e }) => ({ ...e, cursor: String(e.sequence) })),
        cursor: String(last),
        hasMore: last < head.sequence,
        retentionDays,
    };
}

function parseCursor(cursor: string, newest: number): number {
    const n = /^\d{1,15}$/.test(cursor) ? Number(cursor) : NaN;
    if (!Number.isSafeInteger(n) || n > newest)
        throw new ApiError(
            400,
            'invalid_cursor',
            "The cursor was not issued by this drive's change feed.",
            'Send back a `cursor` from a previous page of this drive unchanged, or omit it to start from the oldest kept change.',
        );
    return n;
}
