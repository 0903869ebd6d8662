import { z } from 'zod';
import type { TransferMessage } from '../sync/contracts';

/** Validates a transfer message off the queue (anything can be put on a queue). */
const id = z.string().min(1).max(512);

const schema = z.object({
    kind: z.literal('transfer'),
    transferId: id,
    integrationId: id,
    driveId: id,
    runId: z.string().max(512),
    actionId: z.string().max(512),
    direction: z.enum(['upload', 'download']),
    platformPath: z.string().min(1).max(4096),
    remote: z.object({
        itemId: id.optional(),
        parentPath: z.string().max(4096),
        name: z.string().min(1).max(400),
        ifMatch: z.string().max(512).optional(),
    }),
    expected: z.object({
        size: z.int().min(0),
        quickXorHash: z.string().max(64).optional(),
        platformETag: z.string().max(256).optional(),
    }),
    conflictBehavior: z.enum(['replace', 'fail']),
    conflictCopyOf: z.string().min(1).max(4096).optional(),
    slice: z.int().min(0).optional(),
});

export function parseTransferMessage(input: unknown): TransferMessage | undefined {
    const parsed = schema.safeParse(typeof input === 'string' ? safeJson(input) : input);
    return parsed.success ? (parsed.data as TransferMessage) : undefined;
}

function safeJson(text: string): unknown {
    try {
        return JSON.parse(text);
    } catch {
        return undefined;
    }
}
