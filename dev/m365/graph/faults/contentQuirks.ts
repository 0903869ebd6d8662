import { createHash } from 'node:crypto';
import { parseDriveAddress } from '../http/address';
import { preconditionFailed } from '../http/errors';
import type { Exchange } from '../http/exchange';
import { extensionOf } from '../items/names';
import { seededRandom } from '../model/ids';
import type { SimState } from '../model/state';
import type { SimDrive, SimItem } from '../model/types';

/**
 * Upload and content quirks that production tenants show but Microsoft does not document
 * (`m365-quirks.md` entries 1–3): off by default, switched on with seeded rates through
 * `setChaos({ ..., content: { ... } })`, or one at a time through `addUploadFault`. Each roll draws from
 * its own seeded sequence, so the same seed replays the same faults whatever else the test does.
 */
export interface ContentQuirkRates {
    /**
     * Probability that a fragment PUT on a live upload session answers 404 itemNotFound "The upload
     * session was not found" (the session stays alive; a status GET still answers). Seen on busy
     * SharePoint tenants: rclone issue 8545, fixed by retrying the same fragment on the same session
     * after a pause (rclone commit b31659904 "onedrive: fix 'The upload session was not found' errors").
     */
    transientUpload404?: number;
    /**
     * Probability that a request carrying an If-Match that matches the item answers 412 anyway:
     * createUploadSession and PATCH (onedrive-api-docs issue 1716, "should not generate a 412 when the
     * exact online eTag is being used", both account types), and the last fragment of a session created
     * with If-Match, which then answers 416 to a retry (abraunegg `src/onedrive.d`, uploadFragment():
     * "the tail end of uploading a fragment fails with a 412 Precondition Failed and then a 416").
     */
    spurious412?: number;
    /**
     * Share of Office/PDF files on Business drives (OneDrive for Business, document libraries) that are
     * protected by Azure Information Protection: they download with another size AND another hash than
     * Graph lists (abraunegg `docs/application-config-options.md`, disable_download_validation: "these AIP
     * files will report as one size & hash online, but when downloaded, will report a totally different
     * size and hash"; `src/sync.d` "POTENTIAL AIP FILE (Issue 3070)"). Decided per item and content
     * version, so a file stays protected until it changes.
     */
    aipProtected?: number;
}

/** Where a spurious 412 can strike. */
export type Spurious412Target = 'createUploadSession' | 'patch' | 'lastFragment';

/** What AIP protects (Office documents and PDFs); other files download as listed. */
const AIP_EXTENSIONS = ['.docx', '.docm', '.xlsx', '.xlsm', '.pptx', '.pptm', '.pdf'];

export class ContentQuirks {
    private rates: ContentQuirkRates = {};
    private seed = '';
    private random404: () => number = () => 1;
    private random412: () => number = () => 1;
    private queued404 = 0;
    private queued412: { count: number; on?: Spurious412Target[] }[] = [];

    constructor(private readonly state: SimState) {}

    configure(rates: ContentQuirkRates | undefined, seed: string): void {
        this.rates = { ...rates };
        this.seed = seed;
        this.random404 = seededRandom(`${seed}:transientUpload404`);
        this.random412 = seededRandom(`${seed}:spurious412`);
    }

    clear(): void {
        this.rates = {};
        this.queued404 = 0;
        this.queued412 = [];
    }

    /** The next `count` fragment PUTs answer a transient 404. */
    queueTransient404(count: number): void {
        this.queued404 += count;
    }

    /** The next `count` requests that can meet a spurious 412 (optionally only some kinds) get one. */
    queueSpurious412(count: number, on?: Spurious412Target[]): void {
        this.queued412.push({ count, on });
    }

    /** A fragment PUT on a live session: does SharePoint claim the session is not there? */
    transientUpload404(): boolean {
        if (this.queued404 > 0) this.queued404--;
        else if (!roll(this.random404, this.rates.transientUpload404)) return false;
        this.state.counters.quirks.transientUpload404++;
        return true;
    }

    /** A request whose If-Match matched: does SharePoint answer 412 anyway? */
    spurious412(target: Spurious412Target): boolean {
        const queued = this.queued412.find((q) => !q.on || q.on.includes(target));
        if (queued) {
            if (--queued.count <= 0) this.queued412.splice(this.queued412.indexOf(queued), 1);
        } else if (!roll(this.random412, this.rates.spurious412)) return false;
        this.state.counters.quirks.spurious412++;
        return true;
    }

    /**
     * Runs with the other faults before a Graph route: a PATCH of an item with If-Match may get a
     * spurious 412 (onedrive-api-docs issue 1716). An If-Match that does not match would get 412 from
     * the route anyway, so the roll does not need the item.
     */
    intercept(ex: Exchange): boolean {
        if (ex.method !== 'PATCH' || ex.header('if-match') === undefined) return false;
        const address = parseDriveAddress(ex.url.pathname.replace(/^\/v1\.0/, ''));
        if (!address?.item || address.item.action !== '') return false;
        if (!this.spurious412('patch')) return false;
        ex.sendError(preconditionFailed());
        return true;
    }

    /**
     * The bytes a download serves: the stored content, or for an AIP-protected file the protected
     * container, whose size and hash differ from what Graph lists.
     */
    servedContent(item: SimItem): Buffer {
        if (!this.isAipProtected(item)) return item.content;
        this.state.counters.quirks.aipDownloads++;
        const wrapper = createHash('sha256').update(`aip:${item.guid}:${item.cTagVersion}`).digest();
        // A protected document is the original wrapped in an encrypted container (a header, then the payload).
        return Buffer.concat([Buffer.from('MSRMS-AIP\0'), wrapper, item.content]);
    }

    private isAipProtected(item: SimItem): boolean {
        const rate = this.rates.aipProtected ?? 0;
        if (rate <= 0 || item.isFolder || item.content.length === 0) return false;
        const drive = this.state.drives.get(item.driveId) as SimDrive;
        if (drive.driveType === 'personal' || !AIP_EXTENSIONS.includes(extensionOf(item.name))) return false;
        const digest = createHash('sha256').update(`${this.seed}:aip:${item.id}:${item.cTagVersion}`).digest();
        return digest.readUInt32LE(0) / 0x100000000 < rate;
    }
}

function roll(random: () => number, rate: number | undefined): boolean {
    return !!rate && rate > 0 && random() < rate;
}
