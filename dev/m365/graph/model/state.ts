import type { GraphDeps } from '../../contract';
import { DeltaQuirks } from '../faults/deltaQuirks';
import { IdSource } from './ids';
import { defaultOptions, type SimOptions } from './options';
import type { SimDrive, SimItem, SimSite } from './types';

/** What tests read back: protocol violations by the client and what the simulator did. */
export interface Counters {
    requests: number;
    /** Authorization headers that reached a pre-authenticated URL. */
    preauthAuthorization: { upload: number; download: number };
    /** Requests sent to a throttled tenant before its Retry-After had passed. */
    rethrottleViolations: number;
    throttled: number;
    injectedErrors: number;
    droppedConnections: number;
    uploadFragments: number;
    downloads: number;
    notificationPosts: number;
    notificationFailures: number;
    notificationsDropped: number;
    slowNotificationResponses: number;
    /** Field quirks the simulator played (faults/contentQuirks.ts). */
    quirks: { transientUpload404: number; spurious412: number; aipDownloads: number };
}

export function newCounters(): Counters {
    return {
        requests: 0,
        preauthAuthorization: { upload: 0, download: 0 },
        rethrottleViolations: 0,
        throttled: 0,
        injectedErrors: 0,
        droppedConnections: 0,
        uploadFragments: 0,
        downloads: 0,
        notificationPosts: 0,
        notificationFailures: 0,
        notificationsDropped: 0,
        slowNotificationResponses: 0,
        quirks: { transientUpload404: 0, spurious412: 0, aipDownloads: 0 },
    };
}

/** The whole simulated Graph: sites, drives, items, and the hooks other modules listen on. */
export class SimState {
    readonly ids: IdSource;
    readonly options: SimOptions = defaultOptions();
    readonly sites = new Map<string, SimSite>();
    readonly drives = new Map<string, SimDrive>();
    readonly items = new Map<string, SimItem>();
    /** Live children per folder id. */
    readonly children = new Map<string, Set<string>>();
    counters: Counters = newCounters();
    /** Field-reported delta faults (dropped tombstones, 410s without or with a failing Location), off by default. */
    readonly deltaQuirks = new DeltaQuirks();
    private readonly changeListeners: ((drive: SimDrive) => void)[] = [];

    constructor(
        readonly deps: GraphDeps,
        readonly seed: string,
    ) {
        this.ids = new IdSource(seed);
    }

    now(): number {
        return this.deps.clock.now();
    }

    onDriveChanged(listener: (drive: SimDrive) => void): void {
        this.changeListeners.push(listener);
    }

    driveChanged(drive: SimDrive): void {
        for (const listener of this.changeListeners) listener(drive);
    }

    drive(id: string): SimDrive | undefined {
        return this.drives.get(id);
    }

    item(id: string): SimItem | undefined {
        return this.items.get(id);
    }
}
