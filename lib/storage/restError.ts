import { isRestError } from '@azure/core-rest-pipeline';

/**
 * The HTTP status of a failed Azure SDK call (Tables, Blobs, Queues, Key Vault all throw `RestError`),
 * or undefined for anything else. The one way the service reads an SDK failure's status: callers
 * branch on 404 / 409 / 412 without casting.
 */
export function restStatus(e: unknown): number | undefined {
    return isRestError(e) ? e.statusCode : undefined;
}
