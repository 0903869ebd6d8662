import { randomBytes } from 'node:crypto';
import type { Client } from '@microsoft/microsoft-graph-client';
import type { Services } from '../../runtime/services';
import { compactItem, type DeltaItem } from './deltaItem';
import { type DeltaCursor, saveCursor } from './deltaCursor';
import { DeltaRequestError, fetchDeltaPage, initialDeltaUrl } from './deltaRequest';
import { dropJournal, journalPage, readJournal } from './pageJournal';

/** A delta enumeration brought to its deltaLink: what changed (or everything, for a full listing). */
export interface DeltaEnumeration {
    /** Latest state per id (the last occurrence wins, graph-sync.md §1.3), in arrival order. */
    items: DeltaItem[];
    deltaLink: string;
    /** Started without a token or after a 410: `items` is the whole drive, not a set of changes. */
    fullListing: boolean;
    resync?: { reason: string; at: string };
    rootId?: string;
    /** The journal partition to drop once the plan is applied. */
    enumerationId?: string;
    pages: number;
    requests: number;
    /** Continued an enumeration an earlier (interrupted) run had started. */
    resumed: boolean;
    /** Every page is in the journal partition `enumerationId` and `items` is empty (retain: 'journal'). */
    journaled?: boolean;
}

export interface EnumerateInput {
    services: Services;
    driveId: string;
    graphDriveId: string;
    graph: Client;
    cursor: DeltaCursor | undefined;
    /** Called between pages: throws when the run must stop (its lease was lost). */
    checkpoint?: () => void;
    /**
     * 'journal': every page, the last one too, stays in the page journal and none is held in memory
     * (`items` comes back empty): a first sync reads the listing back from there (remote/fullListing.ts).
     */
    retain?: 'items' | 'journal';
}

const MAX_RESYNCS = 3;

/**
 * Pages delta from where the cursor stands. Every page that is followed by another is journaled and
 * the cursor saved with the next page's link before that page is fetched, so a run killed between
 * pages resumes at the page it was on. The last page (with the deltaLink) is only held in memory:
 * the caller saves the deltaLink after applying the plan, and until then a retry simply fetches that
 * page again. A 410 restarts the enumeration (Location first, a fresh crawl if that fails).
 */
export async function enumerateDelta(input: EnumerateInput): Promise<DeltaEnumeration> {
    const { services, driveId, graph } = input;
    const fresh = initialDeltaUrl(input.graphDriveId);
    const start = input.cursor;
    let cursor: DeltaCursor = start ?? { pages: 0, fullListing: true, updatedAt: '' };
    const resumed = !!start?.nextLink && !!start.enumerationId;
    if (!start?.nextLink) cursor = { ...cursor, fullListing: !start?.deltaLink, pages: 0, enumerationId: undefined };
    let url = start?.nextLink ?? start?.deltaLink ?? fresh;
    let fromLocation = false;
    let resyncs = 0;
    let requests = 0;
    const live: DeltaItem[] = [];
    const journalOnly = input.retain === 'journal';
    for (;;) {
        input.checkpoint?.();
        requests++;
        let response;
        try {
            response = await fetchDeltaPage(graph, url);
        } catch (e) {
            // A 410's Location has been seen failing with 500 (onedrive-api-docs#249): crawl afresh instead.
            if (fromLocation && e instanceof DeltaRequestError && e.status >= 500 && e.status !== 503) {
                url = fresh;
                fromLocation = false;
                continue;
            }
            throw e;
        }
        if (response.kind === 'resync') {
            if (++resyncs > MAX_RESYNCS)
                throw new DeltaRequestError(410, 'resync_loop', 'Delta kept answering 410 after a fresh enumeration.');
            const old = cursor.enumerationId;
            live.length = 0;
            cursor = {
                rootId: cursor.rootId,
                pages: 0,
                fullListing: true,
                resync: { reason: response.reason, at: new Date().toISOString() },
                nextLink: response.location,
                updatedAt: '',
            };
            await saveCursor(services, driveId, cursor);
            if (old) await dropJournal(services, driveId, old).catch(() => undefined);
            url = response.location ?? fresh;
            fromLocation = !!response.location;
            continue;
        }
        fromLocation = false;
        cursor.rootId ??= response.items.find((i) => i.root)?.id;
        if (response.nextLink) {
            cursor.enumerationId ??= randomBytes(6).toString('hex');
            await journalPage(services, driveId, cursor.enumerationId, cursor.pages, response.items);
            cursor = { ...cursor, pages: cursor.pages + 1, nextLink: response.nextLink };
            await saveCursor(services, driveId, cursor);
            if (!journalOnly) for (const item of response.items) live.push(compactItem(item));
            url = response.nextLink;
            continue;
        }
        if (!response.deltaLink)
            throw new DeltaRequestError(
                502,
                'delta_without_link',
                'A delta page carried neither a nextLink nor a deltaLink.',
            );
        if (journalOnly) {
            // The cursor points at this page: a run killed before applying fetches it again into the same row.
            if (!cursor.enumerationId) {
                cursor = { ...cursor, enumerationId: randomBytes(6).toString('hex'), nextLink: url };
                await saveCursor(services, driveId, cursor);
            }
            await journalPage(services, driveId, cursor.enumerationId!, cursor.pages, response.items);
        } else for (const item of response.items) live.push(compactItem(item));
        const earlier =
            !journalOnly && resumed && cursor.enumerationId === start?.enumerationId
                ? await readJournal(services, driveId, cursor.enumerationId!)
                : [];
        return {
            ...(journalOnly ? { journaled: true } : {}),
            items: lastOccurrences(earlier, live),
            deltaLink: response.deltaLink,
            fullListing: cursor.fullListing,
            resync: cursor.resync,
            rootId: cursor.rootId,
            enumerationId: cursor.enumerationId,
            pages: cursor.pages + 1,
            requests,
            resumed,
        };
    }
}

/**
 * Journaled pages come first, then this run's pages (which may repeat the page the cursor pointed at):
 * the later state of an id replaces the earlier one.
 */
function lastOccurrences(earlier: readonly DeltaItem[], later: readonly DeltaItem[]): DeltaItem[] {
    const byId = new Map<string, DeltaItem>();
    for (const item of earlier) byId.set(item.id, item);
    for (const item of later) {
        byId.delete(item.id);
        byId.set(item.id, item);
    }
    return [...byId.values()];
}
