import { z } from 'zod';
import type { SyncMessage } from '../contracts';

/** Queue input is untrusted: a malformed message is rejected (and ends in the poison queue), never guessed at. */
const schema = z.object({
    kind: z.literal('sync'),
    integrationId: z.string().min(1).max(128),
    driveId: z.string().min(1).max(128),
    trigger: z.enum(['timer', 'manual', 'webhook', 'sweep', 'retry']),
    runId: z.string().min(1).max(128).optional(),
    requestedAt: z.string().min(1).max(64),
    dryRun: z.boolean().optional(),
});

export function parseSyncMessage(input: unknown): SyncMessage {
    const value = typeof input === 'string' ? (JSON.parse(input) as unknown) : input;
    return schema.parse(value);
}
