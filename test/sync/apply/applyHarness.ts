import type { Client } from '@microsoft/microsoft-graph-client';
import type { ItemInfo } from '../../../dev/m365/graph/api';
import { functions } from '../../../functions/registry';
import type { DriveRecord } from '../../../lib/drives/driveRecord';
import { graphClientForAccount } from '../../../lib/graph/graphClient';
import { QuickXorHash } from '../../../lib/hash/quickxorhash';
import { metadataSeal } from '../../../lib/sync/platform/metadataSeal';
import { requireIntegration } from '../../../lib/integration/integrationSettings';
import type { IntegrationRecord } from '../../../lib/integration/integrationRepository';
import { getServices, type Services } from '../../../lib/runtime/services';
import { applyPlan, type ApplyContext } from '../../../lib/sync/apply/applyPlan';
import type { ItemOutcome, TransferBatchMessage, TransferMessage } from '../../../lib/sync/contracts';
import { platformContainer } from '../../../lib/sync/platform/platformContainer';
import { blobNameOf } from '../../../lib/sync/platform/platformLayout';
import type { Action, Plan, Preconditions, RemoteEntry } from '../../../lib/sync/plan/types';
import { startConnectedService, type ConnectedService } from '../../support/connectedService';

/** The action type of a kind (MoveRemote and MovePlatform carry two kinds each, which Extract misses). */
type Pick1<A, K> = A extends { kind: infer AK } ? (K extends AK ? A : never) : never;
type ActionOf<K extends Action['kind']> = Pick1<Action, K>;
type Body<K extends Action['kind']> = Omit<
    ActionOf<K>,
    'kind' | 'id' | 'item' | 'reason' | 'preconditions' | 'dependsOn'
>;

/**
 * The service with a OneDrive connected through the real sign-in flow, and what applyPlan needs to
 * run against it from the test process: services, integration, the drive's Graph client.
 */
export class ApplyHarness {
    services!: Services;
    integration!: IntegrationRecord;
    drive!: DriveRecord;
    graph!: Client;
    private runs = 0;
    private ids = 0;

    constructor(readonly svc: ConnectedService) {}

    static async start(login: (svc: ConnectedService) => string): Promise<ApplyHarness> {
        // Tests read the queued transfer messages themselves: the host must not consume them.
        const svc = await startConnectedService({ functions: functions.filter((f) => f.kind !== 'queue') });
        const h = new ApplyHarness(svc);
        await svc.configure();
        h.drive = (await svc.connectDrive({ name: 'Apply test drive', kind: 'onedrive' }, login(svc))).drive;
        h.services = await getServices();
        h.integration = await requireIntegration(h.services);
        h.graph = await graphClientForAccount(h.services, h.integration, h.drive.account!.homeAccountId);
        return h;
    }

    get gid(): string {
        return this.drive.graph!.driveId;
    }

    get sim() {
        return this.svc.sim.graph;
    }

    context(runId = `run${++this.runs}`): ApplyContext {
        return { services: this.services, integration: this.integration, drive: this.drive, graph: this.graph, runId };
    }

    /** One action; `item` defaults to `path:<path>`. */
    action<K extends Action['kind']>(
        kind: K,
        body: Body<K>,
        options: { item?: string; pre?: Preconditions; deps?: string[]; id?: string } = {},
    ): ActionOf<K> {
        const path = (body as { path?: string }).path ?? '';
        return {
            id: options.id ?? `x${String(++this.ids).padStart(4, '0')}`,
            item: options.item ?? `path:${path}`,
            kind,
            ...body,
            reason: { code: `test_${kind}`, message: `Test ${kind}.` },
            preconditions: options.pre ?? {},
            dependsOn: options.deps ?? [],
        } as unknown as ActionOf<K>;
    }

    apply(
        actions: Action[],
        runId?: string,
        dryRun = false,
    ): Promise<{ outcomes: ItemOutcome[]; transfersEnqueued: number }> {
        return applyPlan(this.context(runId), plan(actions, dryRun));
    }

    item(path: string): ItemInfo | undefined {
        return this.sim.getItem(this.gid, path);
    }

    async putBlob(path: string, content: string, hash = true): Promise<string> {
        const container = await platformContainer(this.services);
        // A hash as the service writes it (completeUpload, a download): sealed, so the listing trusts it.
        const metadata = hash
            ? (await metadataSeal(this.services)).seal(
                  { quickXorHash: new QuickXorHash().update(Buffer.from(content)).digest() },
                  Buffer.byteLength(content),
              )
            : undefined;
        const res = await container
            .getBlockBlobClient(blobNameOf(this.drive.id, path))
            .upload(content, Buffer.byteLength(content), metadata ? { metadata } : {});
        return res.etag as string;
    }

    async readBlob(name: string): Promise<string | undefined> {
        const container = await platformContainer(this.services);
        const blob = container.getBlobClient(name);
        if (!(await blob.exists())) return undefined;
        return (await blob.downloadToBuffer()).toString('utf8');
    }

    /** Drains the transfer queue (no transfer handler is registered in these suites). */
    /** The transfers the apply enqueued, each once (a batch message's files listed one by one). */
    async takeTransfers(): Promise<TransferMessage[]> {
        return (await this.takeQueueMessages()).flatMap((m) => (m.kind === 'transferBatch' ? m.transfers : [m]));
    }

    /** The transfer queue's messages as sent: single transfers and batches of small files. */
    async takeQueueMessages(): Promise<(TransferMessage | TransferBatchMessage)[]> {
        const queue = this.services.storage.queue.getQueueClient(this.services.config.queues.transfer);
        const out: (TransferMessage | TransferBatchMessage)[] = [];
        for (;;) {
            const batch = await queue.receiveMessages({ numberOfMessages: 32 });
            if (batch.receivedMessageItems.length === 0) return out;
            for (const m of batch.receivedMessageItems) {
                out.push(
                    JSON.parse(Buffer.from(m.messageText, 'base64').toString('utf8')) as
                        TransferMessage | TransferBatchMessage,
                );
                await queue.deleteMessage(m.messageId, m.popReceipt);
            }
        }
    }

    stop(): Promise<void> {
        return this.svc.stop();
    }
}

export function plan(actions: Action[], dryRun = false): Plan {
    return {
        actions,
        heldDeletes: actions.some((a) => a.kind === 'holdDelete'),
        dryRun,
        counts: {},
        deletes: { remote: 0, platform: 0 },
    };
}

/** A simulator item as delta would report it (paths drive-relative, no leading slash). */
export function remoteEntry(item: ItemInfo, rootId: string): RemoteEntry {
    return {
        id: item.id,
        parentId: item.parentId === rootId ? null : (item.parentId ?? null),
        name: item.name,
        path: item.path.replace(/^\//, ''),
        isFolder: item.isFolder,
        eTag: item.eTag,
        ...(item.isFolder ? {} : { cTag: item.cTag, quickXorHash: item.quickXorHash }),
        size: item.size,
        lastModified: item.lastModifiedDateTime,
    };
}
