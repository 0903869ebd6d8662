import { restStatus } from '../storage/restError';
import type { BlobClient } from '@azure/storage-blob';
import { skipped } from './errors';

/**
 * Reads the source blob by range, each read conditional on the ETag the transfer started with (a
 * platform write mid-upload makes the read fail instead of mixing two versions), and keeps one read
 * ahead so the next fragment is fetched while the current one is being sent.
 */
export class BlobRanges {
    private ahead?: { start: number; end: number; data: Promise<Buffer> };

    constructor(
        private readonly blob: BlobClient,
        private readonly etag: string,
    ) {}

    /** Bytes [start, end] (inclusive), from the read-ahead when it matches. */
    async read(start: number, end: number): Promise<Buffer> {
        const ahead = this.ahead;
        this.ahead = undefined;
        if (ahead && ahead.start === start && ahead.end === end) return ahead.data;
        if (ahead) ahead.data.catch(() => undefined); // not needed after all
        return this.fetch(start, end);
    }

    prefetch(start: number, end: number): void {
        if (this.ahead?.start === start && this.ahead.end === end) return;
        this.ahead?.data.catch(() => undefined);
        const data = this.fetch(start, end);
        data.catch(() => undefined); // surfaced by read()
        this.ahead = { start, end, data };
    }

    private async fetch(start: number, end: number): Promise<Buffer> {
        const count = end - start + 1;
        const out = Buffer.allocUnsafe(count);
        try {
            const response = await this.blob.download(start, count, {
                conditions: { ifMatch: this.etag },
                maxRetryRequests: 3,
            });
            let at = 0;
            for await (const chunk of response.readableStreamBody as AsyncIterable<Buffer>) {
                if (at + chunk.length > count) throw new Error('The blob returned more bytes than asked for.');
                chunk.copy(out, at);
                at += chunk.length;
            }
            if (at !== count) throw new Error(`Short read from the blob (${at} of ${count} bytes).`);
            return out;
        } catch (e) {
            const status = restStatus(e);
            if (status === 412 || status === 404)
                throw skipped(
                    'source_changed',
                    'The platform file changed (or was removed) during the upload; the next sync re-plans it.',
                );
            throw e;
        }
    }
}
