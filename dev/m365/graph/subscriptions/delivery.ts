import { GraphError } from '../http/errors';
import { seededRandom } from '../model/ids';
import type { SimState } from '../model/state';

/**
 * Outbound webhook traffic: the validation handshake, change and lifecycle notifications, batched per
 * notification URL after a debounce and Graph's delivery latency (options.notifications.deliveryDelay),
 * retried with exponential backoff on non-2xx or slow answers until maxAttempts or the simulated 4 h
 * deadline. Timers are real (ms), deadlines are simulated.
 */
interface Pending {
    url: string;
    entries: Record<string, unknown>[];
    attempt: number;
    firstAttemptAt?: number;
}

export class Delivery {
    private readonly queued = new Map<string, Pending>();
    private readonly timers = new Set<NodeJS.Timeout>();
    private readonly inFlight = new Set<Promise<void>>();
    private readonly periodic = new Set<NodeJS.Timeout>();
    private readonly random: () => number;
    private closed = false;
    /** Change notifications of a subscription this says no to are lost (a paused subscription). */
    private deliverable: (entry: Record<string, unknown>) => boolean = () => true;

    constructor(private readonly state: SimState) {
        this.random = seededRandom(`${state.seed}:notification-latency`);
    }

    /** Decides which change notifications may go out (lifecycle notifications always may). */
    setFilter(deliverable: (entry: Record<string, unknown>) => boolean): void {
        this.deliverable = deliverable;
    }

    /** Runs `fn` every `ms` of real time until close (not counted by idle(): it never ends). */
    every(ms: number, fn: () => void): void {
        if (this.closed) return;
        const timer = setInterval(fn, ms);
        timer.unref();
        this.periodic.add(timer);
    }

    /** POST {url}?validationToken=...; the endpoint must echo the decoded token as text/plain. */
    async validate(notificationUrl: string): Promise<void> {
        const token = `Validation: Testing client application reachability for subscription Request-Id: ${this.state.ids.guid()}`;
        const url = new URL(notificationUrl);
        url.searchParams.set('validationToken', token);
        const timeout = this.state.options.notifications.validationTimeoutMs;
        let response: Response;
        try {
            response = await fetch(url, {
                method: 'POST',
                headers: { 'content-type': 'text/plain; charset=utf-8' },
                signal: AbortSignal.timeout(timeout),
            });
        } catch (e) {
            // AbortSignal.timeout rejects with a DOMException, which is not always an Error instance.
            const name = (e as { name?: unknown } | null)?.name;
            const timedOut = name === 'TimeoutError' || name === 'AbortError';
            throw validationError(
                timedOut
                    ? 'Subscription validation request timed out.'
                    : 'Subscription validation request failed. Notification endpoint must respond with 200 OK to validation request.',
            );
        }
        const text = await response.text();
        const type = response.headers.get('content-type') ?? '';
        if (response.status !== 200) {
            throw validationError(
                `Subscription validation request failed. Notification endpoint must respond with 200 OK to validation request. Response status code: ${response.status}`,
            );
        }
        if (!type.toLowerCase().startsWith('text/plain') || text !== token) {
            throw validationError(
                'Subscription validation request failed. Response must exactly match validationToken query parameter.',
            );
        }
    }

    /**
     * Queues entries for one URL; whatever arrives for it before the batch leaves joins the batch. The
     * batch leaves after the debounce plus Graph's delivery latency, drawn once per batch.
     */
    enqueue(url: string, entries: Record<string, unknown>[]): void {
        if (this.closed) return;
        entries = entries.filter((e) => e.lifecycleEvent !== undefined || this.deliverable(e));
        if (entries.length === 0) return;
        const pending = this.queued.get(url);
        if (pending) {
            for (const entry of entries) {
                if (
                    !pending.entries.some(
                        (e) =>
                            e.subscriptionId === entry.subscriptionId &&
                            e.clientState === entry.clientState &&
                            e.lifecycleEvent === entry.lifecycleEvent,
                    )
                )
                    pending.entries.push(entry);
            }
            return;
        }
        this.queued.set(url, { url, entries: [...entries], attempt: 0 });
        this.later(this.state.options.notifications.debounceMs + this.latencyMs(), () => {
            const batch = this.queued.get(url);
            this.queued.delete(url);
            if (batch) this.send(batch);
        });
    }

    /** One draw of Graph's delivery latency (options.notifications.deliveryDelay; see SimOptions). */
    private latencyMs(): number {
        const { minMs, meanMs, maxMs } = this.state.options.notifications.deliveryDelay;
        const spread = Math.max(0, meanMs - minMs);
        const draw = spread > 0 ? -Math.log(1 - this.random()) * spread : 0;
        return Math.min(Math.max(minMs, maxMs), minMs + draw);
    }

    private later(ms: number, fn: () => void): void {
        const timer = setTimeout(() => {
            this.timers.delete(timer);
            fn();
        }, ms);
        this.timers.add(timer);
    }

    private send(batch: Pending): void {
        const task = this.post(batch).finally(() => this.inFlight.delete(task));
        this.inFlight.add(task);
    }

    private async post(batch: Pending): Promise<void> {
        const o = this.state.options.notifications;
        batch.attempt++;
        batch.firstAttemptAt ??= this.state.now();
        this.state.counters.notificationPosts++;
        const started = performance.now();
        let ok = false;
        try {
            const body = JSON.stringify({ value: o.duplicates ? [...batch.entries, ...batch.entries] : batch.entries });
            const response = await fetch(batch.url, {
                method: 'POST',
                headers: { 'content-type': 'application/json; charset=utf-8' },
                body,
                signal: AbortSignal.timeout(o.deliveryTimeoutMs),
            });
            await response.arrayBuffer();
            ok = response.status >= 200 && response.status < 300;
        } catch {
            ok = false;
        }
        if (performance.now() - started > 2_900) this.state.counters.slowNotificationResponses++;
        if (ok || this.closed) return;
        this.state.counters.notificationFailures++;
        const pastDeadline = this.state.now() - (batch.firstAttemptAt ?? 0) >= o.retryDeadlineMs;
        if (batch.attempt >= o.maxAttempts || pastDeadline) {
            this.state.counters.notificationsDropped++;
            return;
        }
        this.later(o.retryBaseMs * 2 ** (batch.attempt - 1), () => this.send(batch));
    }

    /** Waits until nothing is queued, scheduled or in flight (for tests). */
    async idle(): Promise<void> {
        while (this.timers.size > 0 || this.inFlight.size > 0) {
            await Promise.all([...this.inFlight]);
            await new Promise((r) => setTimeout(r, 5));
        }
    }

    async close(): Promise<void> {
        this.closed = true;
        for (const t of this.periodic) clearInterval(t);
        this.periodic.clear();
        for (const t of this.timers) clearTimeout(t);
        this.timers.clear();
        this.queued.clear();
        await Promise.allSettled([...this.inFlight]);
    }
}

function validationError(message: string): GraphError {
    return new GraphError(400, 'ValidationError', message);
}
