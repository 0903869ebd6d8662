import { createHash } from 'node:crypto';
import type { ChangeType } from './changeModel';

/**
 * A change's id, derived from what made it (a sync run's action, a transfer) and where it landed: the
 * same handler running twice (a redelivered queue message, a process killed after the store changed
 * but before the feed recorded it) derives the same id, so the feed keeps one event. The platform may
 * use it to drop duplicates of at-least-once webhook deliveries as well.
 */
export function changeId(origin: string, type: ChangeType, path: string): string {
    const digest = createHash('sha256').update(`${origin}\n${type}\n${path}`, 'utf8').digest('base64url');
    return `chg_${digest.slice(0, 27)}`;
}
