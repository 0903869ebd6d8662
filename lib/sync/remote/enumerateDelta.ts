import { randomBytes } from 'node:crypto';
import type { Client } from '@microsoft/microsoft-graph-client';
import type { Services } from '../../runtime/services';
import { compactItem, type DeltaItem } from './deltaItem';
import { type DeltaCursor, saveCursor } from './deltaCursor';
import { fetchDeltaPage, initialDeltaUrl } from './deltaRequest';
import { dropJournal, journalPage, readJournal } from './pageJournal';
import { GraphError } from '../../graph/graphError';

/** A delta enumeration brought to its deltaLink: what changed (or everything, for a full listing). */
export interface DeltaEnumeration {
    /** Latest state per id (the last occurrence wins, graph-sync.md §1.3), in arrival order. */
    items: DeltaItem[];
    deltaLink: string;
    /** Started without a token, after a 410, or as the reconciliation listing: `items` is the whole drive, not a set of changes. */
    fullListing: boolean;
    resync?: { reason: string; at: string };
    /** The periodic reconciliation listing (a fresh enumeration although a deltaLink was at hand). */
    relist?: { at: string };
    rootId?: string;
    /** The journal partition to drop once the plan is applied. */
    enumerationId?: string;
    pages: number;
    requests: number;
    /** Continued an enumeration an earlier (interrupted) run had started. */
    resumed: boolean;
    /** Every page is in the journal partition `enumerationId` and `items` is empty (retain 'journal', or 'changes' for a full listing). */
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
     * 'changes': an incremental enumeration's items are held ('items'), a full listing's journaled
     * ('journal'): the reconciliation listing and a 410's resync are read back against the baseline
     * (remote/listingChanges.ts).
     */
    retain?: 'items' | 'journal' | 'changes';
    /**
     * Enumerate the whole drive from scratch although the cursor holds a deltaLink: the periodic
     * reconciliation listing that finds deletes delta never reported (engine/remoteListing.ts).
     * An enumeration in progress is continued instead.
     */
    fromScratch?: boolean;
}

const MAX_RESYNCS = 3;

/**
 * Pages delta from where the cursor stands. Every page that is followed by another is journaled and
 * the cursor saved with the next page's link before that page is fetched, so a run killed between
 * pages resumes at the page it was on. The last page (with the deltaLink) is only held in memory:
 * the caller saves the deltaLink after applying the plan, and until then a retry simply fetches that
 * page again.
 *
 * A 410 restarts with a fresh enumeration without a token. Its Location header is never followed nor
 * saved: it is optional (onedrive-api-docs#1356 shows a 410 without one), Microsoft's engineers say to
 * "start sync again from scratch (without a token)" (OneDrive/onedrive-sdk-csharp#102), it has failed
 * with 500 (onedrive-api-docs#249), and abraunegg ignores it too. The 410's reason is kept with the
 * cursor, so a crash before the fresh enumeration completes still finishes as that resync.
 */
export async function enumerateDelta(input: EnumerateInput): Promise<DeltaEnumeration> {
    const { services, driveId, graph, graphDriveId } = input;
    const fresh = initialDeltaUrl(graphDriveId);
    const start = input.cursor;
    // An older version saved a 410's Location as the first nextLink of the resync: never trust it.
    const staleLocation = !!start?.nextLink && !!start.resync && start.pages === 0;
    const resumed = !!start?.nextLink && !!start.enumerationId && !staleLocation;
    const firstSync = input.retain === 'journal';
    let cursor: DeltaCursor = { ...(start ?? { pages: 0, fullListing: true, updatedAt: '' }), graphDriveId };
    if (!resumed) {
        const scratch = !start?.deltaLink || !!input.fromScratch || staleLocation;
        cursor = {
            ...cursor,
            fullListing: scratch,
            pages: 0,
            enumerationId: undefined,
            nextLink: undefined,
            firstSync: firstSync || undefined,
            ...(input.fromScratch && start?.deltaLink && !start.resync
                ? { relist: { at: new Date().toISOString() } }
                : {}),
        };
        if (start?.enumerationId) await dropJournal(services, driveId, start.enumerationId).catch(() => undefined);
    }
    let url = resumed ? start!.nextLink! : cursor.fullListing ? fresh : start!.deltaLink!;
    // Decided again after a 410: the fresh enumeration is a full listing.
    const journalOnly = () => firstSync || (input.retain === 'changes' && cursor.fullListing);
    let resyncs = 0;
    let requests = 0;
    const live: DeltaItem[] = [];
    for (;;) {
        input.checkpoint?.();
        requests++;
        const response = await fetchDeltaPage(graph, url);
        if (response.kind === 'resync') {
            if (++resyncs > MAX_RESYNCS)
                throw new GraphError(410, 'resync_loop', 'Delta kept answering 410 after a fresh enumeration.');
            const old = cursor.enumerationId;
            live.length = 0;
            cursor = {
                graphDriveId,
                rootId: cursor.rootId,
                pages: 0,
                fullListing: true,
                firstSync: firstSync || undefined,
                resync: { reason: response.reason, at: new Date().toISOString() },
                platformScannedAt: cursor.platformScannedAt,
                platformMarkId: cursor.platformMarkId,
                remoteListedAt: cursor.remoteListedAt,
                updatedAt: '',
            };
            await saveCursor(services, driveId, cursor);
            if (old) await dropJournal(services, driveId, old).catch(() => undefined);
            url = fresh;
            continue;
        }
        cursor.rootId ??= response.items.find((i) => i.root)?.id;
        if (response.nextLink) {
            cursor.enumerationId ??= randomBytes(6).toString('hex');
            await journalPage(services, driveId, cursor.enumerationId, cursor.pages, response.items);
            cursor = { ...cursor, pages: cursor.pages + 1, nextLink: response.nextLink };
            await saveCursor(services, driveId, cursor);
            if (!journalOnly()) for (const item of response.items) live.push(compactItem(item));
            url = response.nextLink;
            continue;
        }
        if (!response.deltaLink)
            throw new GraphError(502, 'delta_without_link', 'A delta page carried neither a nextLink nor a deltaLink.');
        if (journalOnly()) {
            // The cursor points at this page: a run killed before applying fetches it again into the same row.
            if (!cursor.enumerationId) {
                cursor = { ...cursor, enumerationId: randomBytes(6).toString('hex'), nextLink: url };
                await saveCursor(services, driveId, cursor);
            }
            await journalPage(services, driveId, cursor.enumerationId!, cursor.pages, response.items);
        } else for (const item of response.items) live.push(compactItem(item));
        const earlier =
            !journalOnly() && resumed && cursor.enumerationId === start?.enumerationId
                ? await readJournal(services, driveId, cursor.enumerationId!)
                : [];
        return {
            ...(journalOnly() ? { journaled: true } : {}),
            items: lastOccurrences(earlier, live),
            deltaLink: response.deltaLink,
            fullListing: cursor.fullListing,
            resync: cursor.resync,
            ...(cursor.relist && !cursor.resync ? { relist: cursor.relist } : {}),
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
export function lastOccurrences(earlier: readonly DeltaItem[], later: readonly DeltaItem[]): DeltaItem[] {
    const byId = new Map<string, DeltaItem>();
    for (const item of earlier) byId.set(item.id, item);
    for (const item of later) {
        byId.delete(item.id);
        byId.set(item.id, item);
    }
    return [...byId.values()];
}
