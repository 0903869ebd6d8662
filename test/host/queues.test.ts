import type { InvocationContext } from '@azure/functions';
import { QueueServiceClient, type QueueClient } from '@azure/storage-queue';
import { queue, STORAGE_CONNECTION, type FunctionDefinition } from '../../functions/definition';
import { functions as registry } from '../../functions/registry';
import type { LocalHost } from '../../dev/host/localHost';
import { azuriteConnectionString, uniqueSuffix } from '../support/uniqueNames';
import { eventually, startTestHost, testHostJson } from './hostFixture';

interface Delivery {
    input: unknown;
    metadata: Record<string, unknown>;
}

const suffix = uniqueSuffix();
const names = { ok: `ok-${suffix}`, failing: `failing-${suffix}`, slow: `slow-${suffix}` };
const delivered: Record<keyof typeof names, Delivery[]> = { ok: [], failing: [], slow: [] };
const record = (key: keyof typeof names) => (input: unknown, context: InvocationContext) => {
    delivered[key].push({ input, metadata: { ...context.triggerMetadata } });
};

const testQueues: FunctionDefinition[] = [
    // Queue names through a %Setting% expression, as the service's triggers name theirs.
    queue('okWorker', { queueName: '%TEST_OK_QUEUE%', connection: STORAGE_CONNECTION, handler: record('ok') }),
    queue('failingWorker', {
        queueName: names.failing,
        connection: STORAGE_CONNECTION,
        handler: (input, context) => {
            record('failing')(input, context);
            throw new Error('always fails');
        },
    }),
    queue('slowWorker', {
        queueName: names.slow,
        connection: STORAGE_CONNECTION,
        handler: async (input, context) => {
            await new Promise((r) => setTimeout(r, 3_500));
            record('slow')(input, context);
        },
    }),
];

let host: LocalHost;
let logs: string[];
let service: QueueServiceClient;
const client = (name: string): QueueClient => service.getQueueClient(name);
const base64 = (text: string) => Buffer.from(text).toString('base64');
const visibleCount = async (name: string) =>
    (await client(name).peekMessages({ numberOfMessages: 32 })).peekedMessageItems.length;

beforeAll(async () => {
    service = QueueServiceClient.fromConnectionString(azuriteConnectionString());
    ({ host, logs } = await startTestHost({
        functions: [...registry.filter((f) => f.kind === 'http'), ...testQueues],
        hostJson: testHostJson({
            maxDequeueCount: 5,
            visibilityTimeout: '00:00:01',
            maxPollingInterval: '00:00:00.200',
        }),
        appSettings: { [STORAGE_CONNECTION]: azuriteConnectionString(), TEST_OK_QUEUE: names.ok },
        // A short lease so the renewal is observable within the test.
        queueLeaseSeconds: 2,
    }));
});

afterAll(async () => {
    await host?.stop();
});

describe('local host: queue triggers', () => {
    it('creates the trigger queues at start-up, as the host does', async () => {
        for (const name of Object.values(names)) expect(await client(name).exists()).toBe(true);
    });

    it('delivers a base64 JSON message parsed, with the worker trigger metadata, then deletes it', async () => {
        const message = { kind: 'sync', driveId: 'b!abc', requestedAt: '2024-05-01T00:00:00Z', n: 3 };
        const sent = await client(names.ok).sendMessage(base64(JSON.stringify(message)));
        const d = await eventually(
            () => delivered.ok.find((x) => x.metadata.id === sent.messageId),
            10_000,
            'the delivery',
        );
        expect(d.input).toEqual(message);
        expect(d.metadata).toMatchObject({ dequeueCount: 1, id: sent.messageId, queueTrigger: message });
        for (const k of ['popReceipt', 'insertionTime', 'expirationTime', 'nextVisibleTime'])
            expect(typeof d.metadata[k]).toBe('string');
        expect(Date.parse(d.metadata.insertionTime as string)).toBe(sent.insertedOn.getTime());
        await eventually(
            async () => ((await client(names.ok).getProperties()).approximateMessagesCount === 0 ? true : undefined),
            5_000,
            'the delete',
        );
    });

    it('delivers a message that is not JSON as a string', async () => {
        const sent = await client(names.ok).sendMessage(base64('plain text, not JSON'));
        const d = await eventually(
            () => delivered.ok.find((x) => x.metadata.id === sent.messageId),
            10_000,
            'the delivery',
        );
        expect(d.input).toBe('plain text, not JSON');
    });

    it('moves a message that always fails to <queue>-poison after exactly maxDequeueCount attempts', async () => {
        const text = base64(JSON.stringify({ kind: 'transfer', fileId: 'f1' }));
        const sent = await client(names.failing).sendMessage(text);
        const poison = client(`${names.failing}-poison`);
        const moved = await eventually(
            async () => ((await poison.exists()) ? (await poison.peekMessages()).peekedMessageItems[0] : undefined),
            30_000,
            'the poison message',
        );
        expect(moved.messageText).toBe(text);
        const attempts = delivered.failing.filter((d) => d.metadata.id === sent.messageId);
        expect(attempts.map((d) => d.metadata.dequeueCount)).toEqual([1, 2, 3, 4, 5]);
        expect(
            logs.some((l) =>
                l.includes(
                    `Message has reached MaxDequeueCount of 5. Moving message to queue '${names.failing}-poison'.`,
                ),
            ),
        ).toBe(true);
        // Gone from the source queue (copied first, then deleted, as the host does), and never attempted again.
        await eventually(
            async () =>
                (await client(names.failing).getProperties()).approximateMessagesCount === 0 ? true : undefined,
            5_000,
            'the delete',
        );
        await new Promise((r) => setTimeout(r, 1_500));
        expect(delivered.failing.filter((d) => d.metadata.id === sent.messageId)).toHaveLength(5);
    });

    it('moves a message that is not base64 straight to poison without calling the handler', async () => {
        const before = delivered.ok.length;
        await client(names.ok).sendMessage('{"raw":"json sent without base64"}');
        const poison = client(`${names.ok}-poison`);
        const moved = await eventually(
            async () => ((await poison.exists()) ? (await poison.peekMessages()).peekedMessageItems[0] : undefined),
            10_000,
            'the poison message',
        );
        expect(moved.messageText).toBe('{"raw":"json sent without base64"}');
        expect(delivered.ok.length).toBe(before);
    });

    it('keeps a message invisible while its handler runs longer than the lease', async () => {
        const sent = await client(names.slow).sendMessage(base64('slow'));
        // Wait until the host has taken it, then watch: the 2 s lease expires during the 3.5 s run unless renewed.
        await eventually(
            async () => ((await visibleCount(names.slow)) === 0 ? true : undefined),
            5_000,
            'the host to receive it',
        );
        const deadline = Date.now() + 3_000;
        while (Date.now() < deadline) {
            expect(await visibleCount(names.slow)).toBe(0);
            await new Promise((r) => setTimeout(r, 200));
        }
        const d = await eventually(
            () => delivered.slow.find((x) => x.metadata.id === sent.messageId),
            5_000,
            'the slow delivery',
        );
        expect(d.metadata.dequeueCount).toBe(1);
        await eventually(
            async () => ((await client(names.slow).getProperties()).approximateMessagesCount === 0 ? true : undefined),
            5_000,
            'the delete',
        );
        expect(delivered.slow).toHaveLength(1);
    });
});
