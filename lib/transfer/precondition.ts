import { retryLater } from './errors';
import { classifyGraphError, type DriveItem, type GraphApi, type ItemTarget } from './graphApi';
import type { TransferNote } from './integrity';
import { GraphError } from '../graph/graphError';

/**
 * A 412 on a request made with If-Match is usually a real change (someone edited the item after the
 * sync planned): the transfer is skipped and re-planned, nothing overwritten. But SharePoint also
 * answers 412 to the exact current eTag (onedrive-api-docs#1716, both account types; abraunegg
 * `src/onedrive.d` sees it on the last fragment of a session, then 416). Skipping that would plan the
 * same upload again every run, forever. So: re-read the item; if its content tag is still the one we
 * planned with, the 412 was spurious and the request is retried once with the item's current eTag.
 */
export class PreconditionRecovery {
    private retried = false;
    readonly notes: TransferNote[] = [];

    constructor(
        private readonly graph: GraphApi,
        private readonly target: ItemTarget,
        /** The tag the request carries: the planned one, then the current eTag after a retry. */
        public ifMatch: string | undefined,
    ) {}

    /**
     * After a 412: returns the item (unchanged, and `ifMatch` now its current eTag) when the request
     * should be sent again; throws the transfer's outcome otherwise.
     */
    async after412(error: GraphError): Promise<DriveItem> {
        if (!this.ifMatch) throw classifyGraphError(error);
        let item: DriveItem | undefined;
        try {
            item = await this.graph.getItem(this.target);
        } catch (e) {
            throw e instanceof GraphError ? classifyGraphError(e) : e;
        }
        const unchanged = !!item && (item.cTag === this.ifMatch || item.eTag === this.ifMatch);
        // A real change: the existing behaviour (skipped, the next sync re-plans from what is there now).
        if (!item || !unchanged) throw classifyGraphError(error);
        const graph = { status: error.status, code: error.code, requestId: error.requestId };
        if (this.retried)
            throw retryLater(
                'precondition_failed_spurious',
                'SharePoint answered 412 (precondition failed) twice although the item had not changed since the sync planned; the queue retries the transfer later.',
                graph,
            );
        this.retried = true;
        this.notes.push({
            code: 'precondition_retried',
            message: `SharePoint answered 412 although the item still had the tag the sync planned with (a known SharePoint fault, onedrive-api-docs#1716); the upload was retried once with the item's current eTag${error.requestId ? ` (request-id ${error.requestId})` : ''}.`,
        });
        this.ifMatch = item.eTag;
        return item;
    }
}
