import { QuickXorHash } from '../hash/quickxorhash';
import { cloneHash, restoreHash, saveHash, type SavedHash } from './hashState';

/**
 * The streaming hash of an upload, advanced only over bytes Graph has confirmed (a partial accept or
 * an overlap moves the server's offset somewhere other than where our reads ended). Bytes it has not
 * seen come from the fragment in hand or, failing that, from `readRange`.
 */
export class HashCursor {
    private hash: QuickXorHash;

    constructor(
        private readonly readRange: (start: number, end: number) => Promise<Buffer>,
        private readonly chunkBytes: number,
        saved?: SavedHash,
        savedAt = 0,
    ) {
        this.hash = restoreHash(saved, savedAt) ?? new QuickXorHash();
    }

    get at(): number {
        return this.hash.bytesHashed;
    }

    save(): SavedHash | undefined {
        return saveHash(this.hash);
    }

    /** Hash through offset `to` (exclusive); `inHand` is a buffer starting at `inHandStart`. */
    async advanceTo(to: number, inHand?: Buffer, inHandStart = 0): Promise<void> {
        if (to < this.at) this.hash = new QuickXorHash(); // the server has less than we hashed: start over
        while (this.at < to) {
            const from = this.at;
            if (inHand && from >= inHandStart && from < inHandStart + inHand.length) {
                const upto = Math.min(to, inHandStart + inHand.length);
                this.hash.update(inHand.subarray(from - inHandStart, upto - inHandStart));
                continue;
            }
            const end = Math.min(to, from + this.chunkBytes) - 1;
            this.hash.update(await this.readRange(from, end));
        }
    }

    /** The digest the whole file would have if `tail` (starting at `at`) ended it. */
    digestWith(tail: Buffer): string | undefined {
        const copy = cloneHash(this.hash);
        return copy?.update(tail).digest();
    }

    digest(): string {
        return this.hash.digest();
    }
}
