import { randomUUID } from 'node:crypto';
import { InvocationContext } from '@azure/functions';
import { functions } from '../../functions/registry';
import type { TransferBatchMessage, TransferMessage } from '../../lib/sync/contracts';
import { createTransferHandler } from '../../lib/transfer/handler';
import { getServices } from '../../lib/runtime/services';
import { decodeMessage } from '../support/queueMessages';
import {
    alertsOf,
    CLIENT_SECRET_NAME,
    newInstance,
    platformFiles,
    poll,
    runFinished,
    runsOf,
    startFaultService,
    syncNow,
    type FaultService,
} from './dependencyHarness';

/**
 * Transfers queued before the integration's credential disappeared: each one meets credential_missing.
 * Not a failure to replay by hand and not a retry loop: the transfer is skipped with that code, the
 * fault is the integration's (drive marked, one alert), and the sync that follows the fix plans the
 * file again. Here the host runs no transfers; the test hands the queued messages to the real handler.
 */
let svc: FaultService;

beforeAll(async () => {
    svc = await startFaultService({ functions: functions.filter((f) => f.name !== 'transfer') });
}, 180_000);

afterAll(async () => {
    await svc?.stop();
});

type QueuedTransfer = TransferMessage | TransferBatchMessage;

/** The queued messages: single transfers and batches of small files. */
async function takeTransfers(): Promise<QueuedTransfer[]> {
    const s = await getServices();
    const queue = s.storage.queue.getQueueClient(s.config.queues.transfer);
    await queue.createIfNotExists();
    const out: QueuedTransfer[] = [];
    for (let round = 0; round < 5; round++) {
        const { receivedMessageItems } = await queue.receiveMessages({ numberOfMessages: 32, visibilityTimeout: 30 });
        if (receivedMessageItems.length === 0) break;
        for (const m of receivedMessageItems) {
            out.push(decodeMessage<QueuedTransfer>(m.messageText));
            await queue.deleteMessage(m.messageId, m.popReceipt);
        }
    }
    return out;
}

function filesIn(messages: QueuedTransfer[]): TransferMessage[] {
    return messages.flatMap((m) => (m.kind === 'transferBatch' ? m.transfers : [m]));
}

/** Each file's outcome (a batch answers with one per file). */
async function deliver(message: QueuedTransfer): Promise<string[]> {
    const context = new InvocationContext({
        invocationId: randomUUID(),
        functionName: 'transfer',
        triggerMetadata: { dequeueCount: 1, id: randomUUID() },
        logHandler: () => undefined,
    });
    const outcome = await createTransferHandler(getServices)(message, context);
    return Array.isArray(outcome) ? outcome.map((o) => o.outcome) : [outcome];
}

it('skips transfers that meet a missing credential, marks the integration, and the sync after the fix copies the files', async () => {
    // The first sync plans the OneDrive's 20 files; no transfer runs on this host.
    expect((await runFinished(svc, await syncNow(svc))).status).toBe('succeeded');
    const queued = await takeTransfers();
    expect(filesIn(queued).length).toBe(20);

    await svc.admin.beginDeleteSecret(CLIENT_SECRET_NAME).then((p) => p.pollUntilDone());
    newInstance();
    const outcomes = [];
    for (const message of queued) outcomes.push(...(await deliver(message)));
    expect(outcomes).toHaveLength(20);
    expect(new Set(outcomes)).toEqual(new Set(['skipped']));
    expect(await platformFiles(svc)).toEqual([]);
    expect((await svc.env.api('GET', `/api/drives/${svc.drive.id}`)).body).toMatchObject({
        status: 'credential_unavailable',
        statusCause: { code: 'credential_missing' },
    });
    expect(await alertsOf(svc)).toEqual([expect.objectContaining({ kind: 'dependency_configuration' })]);

    // The fix the hint names: the secret entered again (its soft-deleted name is recovered first).
    const before = await runsOf(svc);
    expect((await svc.configure()).status).toBe(200);
    const resumed = await poll('the run after the fix', async () =>
        (await runsOf(svc)).find((r) => !before.some((b) => b.runId === r.runId) && r.status !== 'queued'),
    );
    const run = await runFinished(svc, resumed.runId);
    expect(run).toMatchObject({ status: 'succeeded', replannedTransfers: 20 });
    const again = await takeTransfers();
    expect(filesIn(again)).toHaveLength(20);
    for (const message of again) expect(new Set(await deliver(message))).toEqual(new Set(['succeeded']));
    expect((await platformFiles(svc)).length).toBe(20);
    expect(await alertsOf(svc)).toEqual([]);
}, 180_000);
