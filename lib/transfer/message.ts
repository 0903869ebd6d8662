import { z } from 'zod';
import type { TransferBatchMessage, TransferMessage } from '../sync/contracts';

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

/** The most files one batch message carries (the Storage limit of 64 KiB per message bounds it too). */
export const MAX_FILES_PER_BATCH = 64;

const batchSchema = z.object({
    kind: z.literal('transferBatch'),
    integrationId: id,
    driveId: id,
    runId: z.string().max(512),
    transfers: z.array(schema).min(1).max(MAX_FILES_PER_BATCH),
});

export function parseTransferMessage(input: unknown): TransferMessage | undefined {
    const parsed = schema.safeParse(typeof input === 'string' ? safeJson(input) : input);
    return parsed.success ? (parsed.data as TransferMessage) : undefined;
}

/** A batch whose files all belong to its drive (a file of another drive would escape its journal partition). */
export function parseTransferBatch(input: unknown): TransferBatchMessage | undefined {
    const parsed = batchSchema.safeParse(typeof input === 'string' ? safeJson(input) : input);
    if (!parsed.success) return undefined;
    const batch = parsed.data as TransferBatchMessage;
    const foreign = batch.transfers.some((t) => t.driveId !== batch.driveId || t.integrationId !== batch.integrationId);
    return foreign ? undefined : batch;
}

function safeJson(text: string): unknown {
    try {
        return JSON.parse(text);
    } catch {
        return undefined;
    }
}
