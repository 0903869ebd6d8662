import { randomBytes } from 'node:crypto';
import { InvocationContext } from '@azure/functions';
import type { ContainerClient } from '@azure/storage-blob';
import { functions as registry } from '../../functions/registry';
import type { FunctionDefinition } from '../../functions/definition';
import type { DriveRecord } from '../../lib/drives/driveRecord';
import { getServices, type Services } from '../../lib/runtime/services';
import type { TransferBatchMessage, TransferMessage, TransferRecord } from '../../lib/sync/contracts';
import { createTransferHandler } from '../../lib/transfer/handler';
import { readTransfer } from '../../lib/transfer/journal';
import type { BatchFileOutcome } from '../../lib/transfer/runBatch';
import type { DeliveryOutcome, TransferOptions } from '../../lib/transfer/runTransfer';
import { startConnectedService, type ConnectedService } from '../support/connectedService';

/**
 * One connected service for transfer tests: a OneDrive (Adele) and a SharePoint library (Documents),
 * connected through the real sign-in flow; helpers to put blobs in Azurite, build messages, invoke
 * the handler the way the host does, and read the journal.
 */
export interface TransferFixture {
    svc: ConnectedService;
    services: Services;
    oneDrive: DriveRecord;
    library: DriveRecord;
    container: ContainerClient;
    logs: string[];
    putBlob(drive: DriveRecord, path: string, bytes: Buffer, mtime?: Date): Promise<string>;
    message(
        drive: DriveRecord,
        direction: 'upload' | 'download',
        path: string,
        size: number,
        extra?: Partial<TransferMessage>,
    ): TransferMessage;
    /** A single transfer message or a batch of them (the host hands either to the same trigger). */
    invoke(
        message: TransferMessage | TransferBatchMessage,
        delivery?: { id?: string; dequeueCount?: number },
        options?: TransferOptions,
    ): Promise<DeliveryOutcome | 'invalid' | BatchFileOutcome[]>;
    /** Invokes (same message id, next dequeue count) until the journal says it is done. */
    runToEnd(message: TransferMessage, options?: TransferOptions, maxDeliveries?: number): Promise<TransferRecord>;
    record(message: TransferMessage): Promise<TransferRecord | undefined>;
    /** The simulator's Graph drive id of a service drive. */
    gid(drive: DriveRecord): string;
    stop(): Promise<void>;
}

export interface FixtureOptions {
    settings?: Record<string, string>;
    /** Also register the queue function and the replay route with the local host. */
    withQueue?: boolean;
    hostJson?: import('../../dev/host/localHost').HostJson;
}

let seq = 0;
export const uid = (): string => `${Date.now().toString(36)}-${(seq++).toString(36)}-${randomBytes(3).toString('hex')}`;

export async function startTransferFixture(options: FixtureOptions = {}): Promise<TransferFixture> {
    const logs: string[] = [];
    // Without the queue, tests call the handler themselves: the host must not pump the transfer queue too.
    const functions: FunctionDefinition[] = options.withQueue
        ? [...registry]
        : registry.filter((f) => f.name !== 'transfer');
    const svc = await startConnectedService({
        functions,
        settings: options.settings,
        logLines: logs,
        hostJson: options.hostJson,
    });
    const configured = await svc.configure();
    if (configured.status !== 201 && configured.status !== 200)
        throw new Error(`configure: ${configured.status} ${logs.slice(-5).join('\n')}`);
    const adele = svc.sim.demo.users.adele.userPrincipalName;
    const { drive: oneDrive } = await svc.connectDrive({ name: 'Adele OneDrive', kind: 'onedrive' }, adele);
    const { drive: sp } = await svc.connectDrive({ name: 'Intranet Documents', kind: 'sharepoint' }, adele);
    const library = await svc.selectLibrary(sp.id, 'Documents');
    const services = await getServices();
    const container = services.storage.blob.getContainerClient(services.config.platformContainer);
    await container.createIfNotExists();
    const integrationId = (oneDrive as DriveRecord).integrationId;

    const fixture: TransferFixture = {
        svc,
        services,
        oneDrive,
        library,
        container,
        logs,
        async putBlob(drive, path, bytes, mtime) {
            const blob = container.getBlockBlobClient(`${drive.id}/${path}`);
            const metadata = mtime ? { mtime: mtime.toISOString() } : undefined;
            const r = await blob.uploadData(bytes, { metadata, blockSize: 4 * 1024 * 1024 });
            return r.etag as string;
        },
        message(drive, direction, path, size, extra = {}) {
            const parts = path.split('/');
            const name = parts.pop() as string;
            return {
                kind: 'transfer',
                transferId: `t-${uid()}`,
                integrationId,
                driveId: drive.id,
                runId: 'run-1',
                actionId: `a-${uid()}`,
                direction,
                platformPath: path,
                remote: { parentPath: parts.join('/'), name },
                expected: { size },
                conflictBehavior: 'replace',
                ...extra,
            };
        },
        async invoke(message, delivery = {}, opts = {}) {
            const context = new InvocationContext({
                invocationId: uid(),
                functionName: 'transfer',
                triggerMetadata: { dequeueCount: delivery.dequeueCount ?? 1, id: delivery.id ?? uid() },
                logHandler: (_level, ...args) =>
                    logs.push(args.map((a) => (typeof a === 'string' ? a : JSON.stringify(a))).join(' ')),
            });
            return createTransferHandler(getServices, opts)(message, context);
        },
        async runToEnd(message, opts = {}, maxDeliveries = 200) {
            const id = uid();
            let current = message;
            for (let n = 1; n <= maxDeliveries; n++) {
                try {
                    await fixture.invoke(current, { id, dequeueCount: n }, opts);
                } catch {
                    /* a crash or a retryable failure: the queue would deliver it again */
                }
                const record = await fixture.record(message);
                if (record && ['succeeded', 'failed', 'skipped'].includes(record.state)) return record;
                const stored = await readTransfer(
                    await services.tables.get('transfers'),
                    message.driveId,
                    message.transferId,
                );
                if (stored) current = stored.message;
            }
            throw new Error(`transfer ${message.transferId} did not finish in ${maxDeliveries} deliveries`);
        },
        async record(message) {
            return (await readTransfer(await services.tables.get('transfers'), message.driveId, message.transferId))
                ?.record;
        },
        gid: (drive) => drive.graph!.driveId,
        stop: () => svc.stop(),
    };
    return fixture;
}

/** Deterministic pseudo-random bytes (seeded), so failures replay. */
export function seededBytes(size: number, seed: number): Buffer {
    const out = Buffer.allocUnsafe(size);
    let x = seed >>> 0 || 1;
    for (let i = 0; i < size; i++) {
        x ^= x << 13;
        x ^= x >>> 17;
        x ^= x << 5;
        out[i] = x & 0xff;
    }
    return out;
}

export function seededRandom(seed: number): () => number {
    let x = seed >>> 0 || 1;
    return () => {
        x ^= x << 13;
        x ^= x >>> 17;
        x ^= x << 5;
        return (x >>> 0) / 0x100000000;
    };
}
