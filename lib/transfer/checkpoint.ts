import type { SavedHash } from './hashState';

/**
 * What a transfer saves after every confirmed step, so a crash at any line resumes from here.
 * Upload: the (sealed) session URL and the offset Graph confirmed. Download: the offset whose blocks
 * are staged (block ids are derived from offsets, so re-staging after a crash is harmless).
 */
export interface UploadCheckpoint {
    kind: 'upload';
    /** The session's upload URL, sealed (see urlSeal.ts); never stored or logged in clear. */
    sealedUrl?: string;
    offset: number;
    hash?: SavedHash;
    /** The source blob's ETag when the transfer started: every range read is conditional on it. */
    sourceETag: string;
    /** Set just before the last fragment goes out: the whole file's hash, to recognise our commit after a crash. */
    finalHash?: string;
    /** Sessions started so far, over every delivery (bounded: a file that keeps losing them pauses, then the queue decides). */
    sessions: number;
}

export interface DownloadCheckpoint {
    kind: 'download';
    offset: number;
    hash?: SavedHash;
    /** The item's eTag when the download started: a change mid-way restarts nothing, it skips. */
    remoteETag: string;
    size: number;
    /** The size the server serves, when it differs from the listed one (an AIP-protected file). */
    servedSize?: number;
    /** Block size the offsets were staged with (block ids derive from offsets). */
    blockBytes: number;
    /** URL re-fetches so far (bounded). */
    refetches: number;
}

export type Checkpoint = UploadCheckpoint | DownloadCheckpoint;
