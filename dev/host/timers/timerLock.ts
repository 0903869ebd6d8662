import { randomUUID } from 'node:crypto';
import type { BlobLeaseClient, ContainerClient } from '@azure/storage-blob';
import type { LogSink } from '../invocation';

/**
 * The timer trigger's singleton on a scaled-out app, as the Functions host does it: "If a function app
 * scales out to multiple instances, only a single instance of a timer-triggered function is run across
 * all instances ... The timer trigger uses a storage lock to ensure that there is only one timer
 * instance" (learn.microsoft.com/azure/azure-functions/functions-bindings-timer, "Scale-out" and
 * "Function apps sharing Storage"). The WebJobs SDK wraps the timer's listener in a SingletonListener:
 * the instance holding a blob lease on `azure-webjobs-hosts/locks/{hostId}/{function}.Listener` in the
 * host's storage (AzureWebJobsStorage) runs the schedule and renews the lease; every other instance
 * retries to take it every ListenerLockRecoveryPollingInterval (default 1 minute), so a crashed holder's
 * schedule moves to another instance once its lease lapses (a blob lease lasts 15-60 s). Two apps that
 * share a storage account need different host ids (`AzureFunctionsWebHost__hostid`), else one timer
 * runs for both.
 */
export interface TimerLockOptions {
    /** The host's storage: azure-webjobs-hosts lives there. */
    container: ContainerClient;
    hostId: string;
    /** Blob lease duration, 15-60 s (the SDK's listener lock period: 60 s). */
    leaseSeconds: number;
    /** How often an instance without the lock tries to take it (the SDK's default: 60 s). */
    recoveryPollSeconds: number;
    log: LogSink;
}

export const LOCK_CONTAINER = 'azure-webjobs-hosts';
export const DEFAULT_TIMER_LOCK = { leaseSeconds: 60, recoveryPollSeconds: 60 };

/** What the lock drives: the schedule runs only while the lock is held. */
export interface LockedSchedule {
    readonly name: string;
    resume(): void;
    pause(): void;
}

export class TimerLock {
    private readonly leaseId = randomUUID();
    private lease: BlobLeaseClient | undefined;
    private held = false;
    private timeout: NodeJS.Timeout | undefined;
    private stopped = false;
    private pending: Promise<void> = Promise.resolve();
    private containerReady: Promise<unknown> | undefined;

    constructor(
        private readonly schedule: LockedSchedule,
        private readonly options: TimerLockOptions,
    ) {}

    get blobName(): string {
        return `locks/${this.options.hostId}/Host.Functions.${this.schedule.name}.Listener`;
    }

    get timerName(): string {
        return this.schedule.name;
    }

    get isHeld(): boolean {
        return this.held;
    }

    start(): void {
        this.pending = this.tick();
    }

    /** Stops the schedule and releases the lease, so another instance takes over without waiting. */
    async stop(): Promise<void> {
        this.stopped = true;
        clearTimeout(this.timeout);
        await this.pending;
        if (this.held) {
            this.schedule.pause();
            this.held = false;
            await this.lease?.releaseLease().catch(() => undefined);
        }
    }

    private async tick(): Promise<void> {
        if (this.stopped) return;
        if (this.held) await this.renew();
        else await this.tryAcquire();
        if (this.stopped) return;
        // The holder renews at half the lease period; the others poll for a lapsed lease.
        const waitMs = this.held ? (this.options.leaseSeconds * 1000) / 2 : this.options.recoveryPollSeconds * 1000;
        this.timeout = setTimeout(() => {
            this.pending = this.tick();
        }, waitMs);
    }

    private async tryAcquire(): Promise<void> {
        try {
            const blob = this.options.container.getBlockBlobClient(this.blobName);
            this.containerReady ??= this.options.container.createIfNotExists();
            await this.containerReady;
            // The lock blob is empty; creating it when another instance already leases it fails harmlessly.
            if (!(await blob.exists())) await blob.upload('', 0).catch(() => undefined);
            this.lease = blob.getBlobLeaseClient(this.leaseId);
            await this.lease.acquireLease(this.options.leaseSeconds);
        } catch (e) {
            if (statusOf(e) !== 409) this.options.log(`Timer '${this.schedule.name}': lock not taken: ${messageOf(e)}`);
            return;
        }
        if (this.stopped) {
            await this.lease.releaseLease().catch(() => undefined);
            return;
        }
        this.held = true;
        this.options.log(`Timer '${this.schedule.name}': this instance holds the schedule lock (${this.blobName}).`);
        this.schedule.resume();
    }

    private async renew(): Promise<void> {
        try {
            await this.lease!.renewLease();
        } catch (e) {
            // Lost (the lease lapsed and another instance took it, or storage failed for a whole period).
            this.held = false;
            this.schedule.pause();
            this.options.log(`Timer '${this.schedule.name}': schedule lock lost: ${messageOf(e)}`);
        }
    }
}

function statusOf(e: unknown): number | undefined {
    return (e as { statusCode?: number }).statusCode;
}

function messageOf(e: unknown): string {
    return e instanceof Error ? e.message.split('\n')[0]! : String(e);
}
