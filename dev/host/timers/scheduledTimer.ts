import type { Timer, TimerFunctionOptions } from '@azure/functions';
import type { Invoker } from '../invocation';
import type { Schedule } from './ncrontab';

// setTimeout's ceiling (~24.8 days); longer waits (a yearly schedule) are re-armed in steps.
const MAX_TIMEOUT_MS = 2 ** 31 - 1;
// A run that starts later than this after its occurrence (it waited for the previous run) is past due.
const PAST_DUE_TOLERANCE_MS = 1000;
const MANUAL_REASON = 'This function was programmatically called via the host APIs.';

interface Run {
    reason: string;
    isPastDue: boolean;
    /** The schedule occurrence this run stands for; absent for manual runs. */
    occurrence?: Date;
}

/**
 * One timer function on its schedule. Runs are serialized (the host takes a singleton lock per timer
 * function, so a run never overlaps the previous one); an occurrence missed while a run was still in
 * progress is run once, right after, with `isPastDue: true` when the schedule monitor is on (the
 * default for intervals of a minute or more), as the host's schedule monitor does.
 */
export class ScheduledTimer {
    private timeout: NodeJS.Timeout | undefined;
    private lock: Promise<void> = Promise.resolve();
    private last: Date | undefined;
    private armedFor: Date | undefined;
    private stopped = false;
    /** Bumped by pause(): a run that was already going does not re-arm a paused schedule. */
    private generation = 0;

    constructor(
        readonly name: string,
        private readonly options: TimerFunctionOptions,
        private readonly schedule: Schedule,
        private readonly invoker: Invoker,
    ) {}

    start(): void {
        if (this.options.runOnStartup)
            void this.run({ reason: 'Timer fired on startup (runOnStartup).', isPastDue: false }).catch(
                () => undefined,
            );
        this.resume();
    }

    /** Arms the schedule (again): the next occurrence from now. */
    resume(): void {
        clearTimeout(this.timeout);
        this.arm(this.schedule.next(new Date()), false);
    }

    /** Disarms the schedule (another instance holds its lock); a run in progress finishes. */
    pause(): void {
        this.generation++;
        clearTimeout(this.timeout);
        this.armedFor = undefined;
    }

    /** Runs the function now (after any run in progress); rejects with the handler's error. */
    fire(): Promise<void> {
        return this.run({ reason: MANUAL_REASON, isPastDue: false });
    }

    async stop(): Promise<void> {
        this.stopped = true;
        clearTimeout(this.timeout);
        await this.lock;
    }

    get nextOccurrence(): Date | undefined {
        return this.armedFor;
    }

    private arm(occurrence: Date, missed: boolean): void {
        if (this.stopped) return;
        this.armedFor = occurrence;
        const wait = occurrence.getTime() - Date.now();
        if (wait > MAX_TIMEOUT_MS) {
            this.timeout = setTimeout(() => this.arm(occurrence, missed), MAX_TIMEOUT_MS);
            return;
        }
        const generation = this.generation;
        this.timeout = setTimeout(() => void this.onDue(occurrence, missed, generation), Math.max(0, wait));
    }

    private async onDue(occurrence: Date, missed: boolean, generation: number): Promise<void> {
        const late = Date.now() - occurrence.getTime() > PAST_DUE_TOLERANCE_MS;
        // Scheduled failures are logged by the invoker; the schedule goes on.
        await this.run({
            reason: `Timer fired at ${new Date().toISOString()}`,
            isPastDue: missed || late,
            occurrence,
        }).catch(() => undefined);
        if (generation !== this.generation) return;
        const now = new Date();
        const skipped = this.schedule.next(occurrence) <= now;
        if (skipped && this.useMonitor()) this.arm(this.schedule.prev(now), true);
        else this.arm(this.schedule.next(now), false);
    }

    private run(run: Run): Promise<void> {
        const result = this.lock.then(() => this.invokeOnce(run));
        this.lock = result.catch(() => undefined);
        return result;
    }

    private async invokeOnce(run: Run): Promise<void> {
        if (this.stopped && run.occurrence) return;
        const now = new Date();
        const timer: Timer = {
            isPastDue: run.isPastDue,
            schedule: { adjustForDST: true },
            scheduleStatus: {
                last: (this.last ?? this.schedule.prev(run.occurrence ?? now)).toISOString(),
                next: (run.occurrence
                    ? this.schedule.next(run.occurrence)
                    : (this.armedFor ?? this.schedule.next(now))
                ).toISOString(),
                lastUpdated: now.toISOString(),
            },
        };
        if (run.occurrence) this.last = run.occurrence;
        await this.invoker.invoke({
            functionName: this.name,
            reason: run.reason,
            trigger: {
                type: 'timerTrigger',
                name: 'timer',
                schedule: this.schedule.expression,
                runOnStartup: !!this.options.runOnStartup,
            },
            run: (context) => this.options.handler(timer, context),
        });
    }

    private useMonitor(): boolean {
        if (this.options.useMonitor !== undefined) return this.options.useMonitor;
        const first = this.schedule.next(new Date());
        return this.schedule.next(first).getTime() - first.getTime() >= 60_000;
    }
}
