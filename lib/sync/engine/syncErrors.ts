import { graphFailure, signInFailureIn } from '../../graph/graphClient';
import { DeltaRequestError } from '../remote';
import type { RunRecord } from '../runs';
import { LeaseLostError } from './lease';

/** A failed run's error as the run record shows it: a stable code, and whether a retry can help. */
export function runError(e: unknown): NonNullable<RunRecord['error']> & { retryAfterSeconds?: number } {
    if (e instanceof DeltaRequestError) {
        return {
            code: e.status === 429 || e.code === 'activityLimitReached' ? 'graph_throttled' : `graph_${e.code}`,
            message: `${e.message}${e.requestId ? ` (request-id ${e.requestId})` : ''}`,
            hint: e.transient
                ? 'Retried automatically.'
                : "Check the drive's health with GET /api/drives/{id}?refresh=true.",
            retryable: e.transient,
            ...(e.retryAfterSeconds ? { retryAfterSeconds: e.retryAfterSeconds } : {}),
        };
    }
    const auth = signInFailureIn(e);
    if (auth) {
        return {
            code: auth.failure.code,
            message: auth.failure.message,
            hint: auth.failure.hint ?? 'Reconnect the drive.',
            retryable: !auth.needsReauth,
        };
    }
    if (e instanceof LeaseLostError) return { code: 'lease_lost', message: e.message, retryable: true };
    const failure = graphFailure(e);
    if (failure) {
        return {
            code: `graph_${failure.code}`,
            message: `Graph ${failure.statusCode}: ${failure.message}`,
            retryable: failure.statusCode === 429 || failure.statusCode >= 500,
        };
    }
    return {
        code: 'internal_error',
        message: e instanceof Error ? e.message.slice(0, 500) : 'The run failed.',
        hint: 'Check the function logs for this run id.',
        retryable: true,
    };
}
