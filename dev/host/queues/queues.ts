import type { FunctionDefinition } from '../../../functions/definition';
import type { AppSettings } from '../appSettings';
import type { QueueSettings } from '../hostJson';
import type { Invoker } from '../invocation';
import { MessageProcessor } from './messageProcessor';
import { QueueListener } from './queueListener';
import { resolveQueueTarget } from './queueTarget';

type QueueDefinition = Extract<FunctionDefinition, { kind: 'queue' }>;

/** Every queue-triggered function with its listener. */
export class Queues {
    private readonly listeners: { functionName: string; queueName: string; listener: QueueListener }[];

    constructor(
        definitions: readonly QueueDefinition[],
        appSettings: AppSettings,
        settings: QueueSettings,
        leaseSeconds: number,
        invoker: Invoker,
    ) {
        this.listeners = definitions.map((d) => {
            const target = resolveQueueTarget(d.name, d.options.queueName, d.options.connection, appSettings);
            const processor = new MessageProcessor({
                functionName: d.name,
                options: d.options,
                target,
                settings,
                leaseSeconds,
                invoker,
            });
            return {
                functionName: d.name,
                queueName: target.name,
                listener: new QueueListener(target, settings, leaseSeconds, processor, invoker.log),
            };
        });
    }

    async start(): Promise<void> {
        await Promise.all(this.listeners.map((l) => l.listener.start()));
    }

    async stop(): Promise<void> {
        await Promise.all(this.listeners.map((l) => l.listener.stop()));
    }

    describe(): { name: string; queue: string }[] {
        return this.listeners.map((l) => ({ name: l.functionName, queue: l.queueName }));
    }
}
