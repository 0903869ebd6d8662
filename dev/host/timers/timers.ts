import type { ServerResponse } from 'node:http';
import type { FunctionDefinition } from '../../../functions/definition';
import { resolveBindingExpression, type AppSettings } from '../appSettings';
import type { HostRoute } from '../http/httpServer';
import { unknownTimer } from '../http/hostErrors';
import { writeInit } from '../http/writeResponse';
import { toErrorResponse } from '../../../lib/http/apiError';
import type { Invoker } from '../invocation';
import { parseSchedule } from './ncrontab';
import { ScheduledTimer } from './scheduledTimer';
import { TimerLock, type TimerLockOptions } from './timerLock';

type TimerDefinition = Extract<FunctionDefinition, { kind: 'timer' }>;

/**
 * Every timer function, scheduled; `fire` runs one now (tests, the control route). With `lock`, each
 * schedule runs only on the instance holding its storage lock (timerLock.ts), as on a scaled-out app;
 * `fire` runs on this instance whatever the lock, as the host's admin API does.
 */
export class Timers {
    private readonly timers = new Map<string, ScheduledTimer>();
    private readonly locks: TimerLock[] = [];
    private readonly log: Invoker['log'];

    constructor(
        definitions: readonly TimerDefinition[],
        appSettings: AppSettings,
        invoker: Invoker,
        private readonly lock?: Omit<TimerLockOptions, 'log'>,
    ) {
        this.log = invoker.log;
        for (const d of definitions) {
            // Schedules may be %Setting% expressions, resolved once at start-up as the host does.
            const expression = resolveBindingExpression(d.options.schedule, appSettings, `Timer '${d.name}'`);
            this.timers.set(
                d.name.toLowerCase(),
                new ScheduledTimer(d.name, d.options, parseSchedule(expression, d.name), invoker),
            );
        }
    }

    start(): void {
        for (const t of this.timers.values()) {
            if (!this.lock) {
                t.start();
                continue;
            }
            const lock = new TimerLock(t, { ...this.lock, log: this.log });
            this.locks.push(lock);
            lock.start();
        }
    }

    /** Timers whose schedule runs on this instance (all of them without a lock). */
    scheduledHere(): string[] {
        if (!this.lock) return [...this.timers.values()].map((t) => t.name);
        return this.locks.filter((l) => l.isHeld).map((l) => l.timerName);
    }

    has(name: string): boolean {
        return this.timers.has(name.toLowerCase());
    }

    fire(name: string): Promise<void> {
        const timer = this.timers.get(name.toLowerCase());
        if (!timer) return Promise.reject(new Error(`No timer function is named '${name}'.`));
        return timer.fire();
    }

    describe(): { name: string; next: Date | undefined }[] {
        return [...this.timers.values()].map((t) => ({ name: t.name, next: t.nextOccurrence }));
    }

    async stop(): Promise<void> {
        await Promise.all(this.locks.map((l) => l.stop()));
        await Promise.all([...this.timers.values()].map((t) => t.stop()));
    }

    /**
     * `POST /__host/timers/{name}` (function key required): runs the timer and answers when it has
     * finished, so `curl` shows whether it succeeded. The host's own equivalent is
     * `POST /admin/functions/{name}` with the master key.
     */
    controlRoute(): HostRoute {
        return {
            method: 'POST',
            requiresKey: true,
            match: (pathname) => {
                const m = /^\/__host\/timers\/([^/]+)\/?$/i.exec(pathname);
                return m ? { name: decodeURIComponent(m[1]!) } : undefined;
            },
            handle: (params, res) => this.fireForRoute(params.name!, res),
        };
    }

    private async fireForRoute(name: string, res: ServerResponse): Promise<void> {
        if (!this.has(name)) return writeInit(res, unknownTimer(name));
        const started = performance.now();
        try {
            await this.fire(name);
        } catch (e) {
            return writeInit(res, toErrorResponse(e));
        }
        return writeInit(res, {
            status: 200,
            jsonBody: {
                function: this.timers.get(name.toLowerCase())!.name,
                status: 'succeeded',
                durationMs: Math.round(performance.now() - started),
            },
        });
    }
}
