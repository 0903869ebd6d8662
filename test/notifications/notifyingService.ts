import { QueueClient } from '@azure/storage-queue';
import type { HostJson } from '../../dev/host/localHost';
import { functions as registry } from '../../functions/registry';
import type { FunctionDefinition } from '../../functions/definition';
import { IMMEDIATE_NOTIFICATION_DELAY } from '../../dev/m365/graph/model/options';
import { graphNotifications } from '../../functions/graphNotifications';
import { subscriptionRenewal } from '../../functions/subscriptionRenewal';
import { syncSweep } from '../../functions/syncSweep';
import { resetConfigForTests } from '../../lib/config/config';
import { getServices, resetServicesForTests, type Services } from '../../lib/runtime/services';
import type { SyncMessage } from '../../lib/sync/contracts';
import { startConnectedService, type ConnectedService } from '../support/connectedService';
import { azuriteConnectionString } from '../support/uniqueNames';

export const notificationFunctions: readonly FunctionDefinition[] = [
    graphNotifications,
    subscriptionRenewal,
    syncSweep,
];

/**
 * The service with the notification functions, the simulator and a sync queue nobody consumes (queue
 * triggers are left out, so the SyncMessages the webhook sends stay there for the test to read).
 */
export interface NotifyingService extends ConnectedService {
    syncQueue: SyncQueue;
    /** The host's log lines (handler logs included). */
    logLines: string[];
    services(): Promise<Services>;
    /** Points PUBLIC_BASE_URL at the local host's real address, so the simulator can reach the webhook. */
    publishHost(): void;
}

export async function startNotifyingService(
    options: { keepQueueHandlers?: boolean; hostJson?: HostJson } = {},
): Promise<NotifyingService> {
    const mine = new Set(notificationFunctions.map((f) => f.name));
    const functions = [
        ...registry.filter((f) => (options.keepQueueHandlers || f.kind !== 'queue') && !mine.has(f.name)),
        ...notificationFunctions,
    ];
    const logLines: string[] = [];
    const svc = await startConnectedService({
        functions,
        logLines,
        ...(options.hostJson ? { hostJson: options.hostJson } : {}),
    });
    // Graph's documented delivery latency (up to 5 minutes) is the simulator's default; these tests
    // check what the service does with a notification, so it arrives as soon as Graph has batched it.
    svc.sim.graph.setOptions({ notifications: { deliveryDelay: IMMEDIATE_NOTIFICATION_DELAY } });
    const syncQueue = new SyncQueue(new QueueClient(azuriteConnectionString(), svc.env.settings.SYNC_QUEUE_NAME!));
    await syncQueue.queue.createIfNotExists();
    return {
        ...svc,
        syncQueue,
        logLines,
        services: () => getServices(),
        publishHost() {
            // The host listens on a random port, known only once it runs; the redirect URI stays the
            // registered http://localhost:7071 one (the test browser maps it to the host).
            process.env.PUBLIC_BASE_URL = svc.env.host.url;
            resetConfigForTests();
            resetServicesForTests();
        },
    };
}

export class SyncQueue {
    constructor(readonly queue: QueueClient) {}

    /** Messages on the queue, visible or not (Storage's approximate count). */
    async count(): Promise<number> {
        return (await this.queue.getProperties()).approximateMessagesCount ?? 0;
    }

    async visible(): Promise<SyncMessage[]> {
        const peeked = await this.queue.peekMessages({ numberOfMessages: 32 });
        return peeked.peekedMessageItems.map(
            (m) => JSON.parse(Buffer.from(m.messageText, 'base64').toString('utf8')) as SyncMessage,
        );
    }

    /** Waits until at least `n` messages are visible (debounced messages appear after their delay). */
    async waitVisible(n: number, timeoutMs = 15_000): Promise<SyncMessage[]> {
        const until = Date.now() + timeoutMs;
        for (;;) {
            const messages = await this.visible();
            if (messages.length >= n || Date.now() > until) return messages;
            await new Promise((r) => setTimeout(r, 200));
        }
    }

    clear(): Promise<unknown> {
        return this.queue.clearMessages();
    }
}

export function sleep(ms: number): Promise<void> {
    return new Promise((r) => setTimeout(r, ms));
}

export function percentile(sorted: number[], p: number): number {
    return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}
