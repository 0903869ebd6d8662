import type { DriveRecord } from '../drives/driveRecord';
import type { IntegrationRecord } from '../integration/integrationRepository';
import type { Logger } from '../logging/logger';
import type { Services } from '../runtime/services';
import type { TransferMessage, TransferRecord } from '../sync/contracts';
import { blobNameOf } from '../sync/platform/platformLayout';
import type { Deadline } from './budget';
import type { GraphApi, ItemTarget } from './graphApi';
import type { HttpDeps } from './http';
import type { JournalEntry } from './journal';

/**
 * Thrown from a hook to simulate the process dying at that line: the runner lets it through without
 * touching the journal (no release, no error recorded), exactly as a crash would.
 */
export class SimulatedCrash extends Error {
    constructor(where: string) {
        super(`simulated crash at ${where}`);
        this.name = 'SimulatedCrash';
    }
}

/** Test seams: called at named points so a test can move the simulator's clock or "kill" the process. */
export interface TransferHooks {
    beforeRequest?: (what: string) => void | Promise<void>;
    afterResponse?: (what: string) => void | Promise<void>;
    /** After each confirmed step (session created, fragment accepted, block staged, committed: with its transfer id). */
    afterStep?: (step: string, transferId?: string) => void | Promise<void>;
}

export interface TransferContext {
    services: Services;
    integration: IntegrationRecord;
    drive: DriveRecord;
    message: TransferMessage;
    journal: JournalEntry;
    graph: GraphApi;
    http: HttpDeps;
    deadline: Deadline;
    fragmentBytes: number;
    log: Logger;
    hooks: TransferHooks;
}

export type TransferResult = NonNullable<TransferRecord['result']>;

export function remoteTarget(message: TransferMessage): ItemTarget {
    return message.remote.itemId
        ? { itemId: message.remote.itemId }
        : { parentPath: message.remote.parentPath, name: message.remote.name };
}

/** Checked like every blob name the service composes (platformLayout.ts blobNameOf). */
export function platformBlobName(message: TransferMessage): string {
    return blobNameOf(message.driveId, message.platformPath.replace(/^\/+/, ''));
}

/** 320 KiB: every non-final upload fragment must end on this grid. */
export const FRAGMENT_QUANTUM = 327_680;
