import { isRestError } from '@azure/core-rest-pipeline';

/**
 * A platform-store write refused because the blob is not what the plan saw (ETag changed, target
 * appeared, source vanished): the next sync re-plans, nothing is overwritten.
 */
export class PlatformConflict extends Error {
    constructor(
        readonly code: 'precondition_failed' | 'target_exists' | 'source_missing',
        message: string,
    ) {
        super(message);
        this.name = 'PlatformConflict';
    }
}

/** Maps a Blob SDK failure of a conditional write to a PlatformConflict; anything else stays as it is. */
export function asPlatformConflict(e: unknown, what: string): unknown {
    if (!isRestError(e)) return e;
    if (e.statusCode === 412 || e.code === 'ConditionNotMet' || e.code === 'SourceConditionNotMet') {
        return new PlatformConflict('precondition_failed', `${what}: the blob changed since the sync planned it.`);
    }
    if (e.statusCode === 409 && e.code === 'BlobAlreadyExists')
        return new PlatformConflict('target_exists', `${what}: the target already exists.`);
    if (e.statusCode === 404) return new PlatformConflict('source_missing', `${what}: the blob is gone.`);
    return e;
}
