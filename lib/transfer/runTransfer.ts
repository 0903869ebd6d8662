import { AccountAuthError, acquireGraphToken } from '../auth/accessToken';
import { dependencyFaultIn } from '../dependencies/classify';
import { driveExists, getDrive } from '../drives/driveRepository';
import { hasGraphIdentity, type DriveRecord } from '../drives/driveRecord';
import { cloudEndpoints } from '../integration/cloud';
import { getIntegration, type IntegrationRecord } from '../integration/integrationRepository';
import { withContext, type Logger } from '../logging/logger';
import { recordMetric } from '../telemetry/telemetry';
import { raiseAlert } from '../alerts';
import type { ChangeDraft } from '../changes';
import type { Services } from '../runtime/services';
import type { TransferMessage, TransferRecord } from '../sync/contracts';
import type { BatchScope } from './batchScope';
import { Deadline, Paused } from './budget';
import { SimulatedCrash, type TransferContext, type TransferHooks, type TransferResult } from './context';
import { runDownload } from './download';
import { enqueueTransfer } from './enqueue';
import { TransferError } from './errors';
import { GraphApi } from './graphApi';
import type { HttpDeps } from './http';
import { claimTransfer, LeaseLost, type JournalEntry, type Owner } from './journal';
import { throttleGate, type ThrottleGate } from './throttleGate';
import { runUpload } from './upload';

export interface TransferOptions {
    /** Stop (checkpointed) and re-enqueue after this long. Default 8 minutes (Consumption allows 10). */
    budgetMs?: number;
    /** How long a claim holds without a checkpoint renewing it. Default budget + 2 minutes. */
    leaseMs?: number;
    /** host.json maxDequeueCount: on that attempt a failure is recorded before the host poisons the message. */
    maxDequeueCount?: number;
    hooks?: TransferHooks;
    /** Tests: a gate with its own cache, as another instance would have. */
    gate?: ThrottleGate;
    /** Overrides TRANSFER_FRAGMENT_BYTES (tests, bench); a multiple of 320 KiB under 60 MiB. */
    fragmentBytes?: number;
    /** Set by a batch message: what its files share (drive rows, token, change feed commit). */
    scope?: BatchScope;
}

export const DEFAULT_BUDGET_MS = 8 * 60 * 1000;

export interface Delivery {
    messageId: string;
    dequeueCount: number;
    invocationId: string;
}

/** What happened to this delivery (the journal row has the details). */
export type DeliveryOutcome = 'succeeded' | 'failed' | 'skipped' | 'noop' | 'busy' | 'paused' | 'lost';

export async function runTransfer(
    services: Services,
    message: TransferMessage,
    delivery: Delivery,
    log: Logger,
    options: TransferOptions = {},
): Promise<DeliveryOutcome> {
    log = withContext(log, {
        operation: `transfer.${message.direction}`,
        driveId: message.driveId,
        runId: message.runId,
        transferId: message.transferId,
    });
    const budgetMs = options.budgetMs ?? DEFAULT_BUDGET_MS;
    const leaseMs = options.leaseMs ?? budgetMs + 120_000;
    const deadline = Deadline.after(budgetMs);
    const owner: Owner = delivery;
    const claim = await claimTransfer(
        await services.tables.get('transfers'),
        message,
        owner,
        leaseMs,
        await options.scope?.prefetchedRow(message.transferId),
        async () => driveExists(await services.tables.get('drives'), message.integrationId, message.driveId),
    );
    // 'gone': a message outlived its drive, whose journal the purge deleted (drives/purgeDrive.ts).
    if (claim.kind === 'done' || claim.kind === 'gone') return 'noop';
    if (claim.kind === 'busy') {
        // Someone else is on it. Come back after their lease, in case they died without a trace.
        await enqueueTransfer(services, message, Math.max(5, (claim.until - Date.now()) / 1000));
        return 'busy';
    }
    const entry = claim.entry;
    const startedAt = Date.now();
    const startBytes = entry.record.bytesDone;
    try {
        const ctx = await buildContext(services, message, entry, deadline, log, options);
        const result = ctx.message.direction === 'upload' ? await runUpload(ctx) : await runDownload(ctx);
        // Before the journal says done: a crash in between redoes the transfer (alreadyCommitted) and
        // records the same change id again, which the feed keeps once.
        if (message.direction === 'download') await recordDownload(services, message, result, options.scope);
        await entry.finish('succeeded', { result, error: undefined, bytesDone: result.platformSize });
        recordTransferMetrics(message, 'succeeded', startedAt, result.platformSize - startBytes);
        log.info('transfer succeeded', {
            transferId: message.transferId,
            direction: message.direction,
            bytes: result.platformSize,
            enriched: result.enriched,
            ...(result.notes ? { notes: result.notes.map((n) => n.code) } : {}),
        });
        return 'succeeded';
    } catch (e) {
        // 'retry': settle rethrows and the queue delivers the message again.
        let outcome: DeliveryOutcome | 'retry' = 'retry';
        try {
            outcome = await settle(services, message, entry, delivery, log, options, e);
            return outcome;
        } finally {
            recordTransferMetrics(message, outcome, startedAt, entry.record.bytesDone - startBytes);
        }
    }
}

/** A download changed the platform store: a new file, a new version, or a conflict's SharePoint copy. */
async function recordDownload(
    services: Services,
    message: TransferMessage,
    result: TransferResult,
    scope: BatchScope | undefined,
): Promise<void> {
    const { changeId, recordChange } = await import('../changes');
    const type = message.conflictCopyOf ? 'conflict_copy' : message.expected.platformETag ? 'updated' : 'created';
    const record = scope
        ? (draft: ChangeDraft) => scope.recordChange(draft)
        : (draft: ChangeDraft) => recordChange(services, message.driveId, draft);
    await record({
        id: changeId(`transfer:${message.transferId}`, type, message.platformPath),
        type,
        path: message.platformPath,
        ...(message.conflictCopyOf ? { previousPath: message.conflictCopyOf } : {}),
        isFolder: false,
        size: result.platformSize,
        etag: result.platformETag,
        ...(result.platformHash ? { quickXorHash: result.platformHash } : {}),
        runId: message.runId,
        transferId: message.transferId,
    });
}

/** Files per direction and outcome, bytes moved by this attempt, and its duration. */
function recordTransferMetrics(
    message: TransferMessage,
    outcome: DeliveryOutcome | 'retry',
    startedAt: number,
    bytes: number,
): void {
    const direction = message.direction;
    if (outcome === 'succeeded' || outcome === 'failed' || outcome === 'skipped')
        recordMetric('transfer.files', 1, { direction, outcome });
    if (bytes > 0) recordMetric('transfer.bytes', bytes, { direction });
    recordMetric('transfer.duration', Date.now() - startedAt, { direction, outcome });
}

async function settle(
    services: Services,
    message: TransferMessage,
    entry: JournalEntry,
    delivery: Delivery,
    log: Logger,
    options: TransferOptions,
    e: unknown,
): Promise<DeliveryOutcome> {
    if (e instanceof SimulatedCrash) throw e;
    if (e instanceof LeaseLost) {
        log.warn('another invocation took over this transfer; stopping', { transferId: message.transferId });
        return 'lost';
    }
    if (e instanceof Paused) {
        const next: TransferMessage = { ...message, slice: (message.slice ?? 0) + 1 };
        await entry.release(next, e.detail && { ...e.detail, retryable: true });
        const delay = e.resumeAt ? (e.resumeAt - Date.now()) / 1000 : 0;
        await enqueueTransfer(services, next, delay);
        log.info('transfer paused; continuing in the next slice', {
            transferId: message.transferId,
            slice: next.slice,
            reason: e.reason,
        });
        return 'paused';
    }
    const error = describe(e);
    if (e instanceof AccountAuthError && e.needsReauth) {
        await entry.finish('failed', { error });
        log.error("transfer failed: the drive's account must sign in again", { transferId: message.transferId, error });
        return 'failed';
    }
    const fault = dependencyFaultIn(e);
    const maxDequeue = options.maxDequeueCount ?? 5;
    if (fault && (fault.configuration || delivery.dequeueCount >= maxDequeue)) {
        // The file is fine; the service's own dependency is not. Skipped (not failed): the next sync
        // after the fix plans it again, so nothing is lost and nobody has to replay it. A credential
        // fault is the integration's (drives marked, one alert); a transient one that outlasted the
        // queue's retries raises its alert.
        await entry.finish('skipped', { error });
        log.warn(`transfer skipped: ${fault.code}`, { transferId: message.transferId, error });
        const { reportRunFault } = await import('../sync/engine/syncErrors');
        if (fault.configuration)
            await reportRunFault(services, { id: message.driveId, integrationId: message.integrationId }, fault, log);
        else
            await (
                await import('../alerts/dependencyAlerts')
            )
                .raiseDependencyAlert(services, message.integrationId, fault, {
                    log,
                    context: `A transfer (${message.platformPath}) gave up after ${delivery.dequeueCount} attempts; the next sync plans it again.`,
                })
                .catch(() => undefined);
        return 'skipped';
    }
    if (e instanceof TransferError && e.outcome !== 'retry') {
        await entry.finish(e.outcome === 'skipped' ? 'skipped' : 'failed', { error });
        (e.outcome === 'failed' ? log.error : log.warn)(`transfer ${e.outcome}: ${e.code}`, {
            transferId: message.transferId,
            error,
        });
        return e.outcome;
    }
    if (delivery.dequeueCount >= maxDequeue) {
        // The host moves the message to <queue>-poison after this attempt: leave the reason on the row.
        await entry.finish('failed', { error });
        log.error('transfer failed on its last attempt; the message goes to the poison queue', {
            transferId: message.transferId,
            error,
        });
        await raiseAlert(
            services,
            {
                key: `transfer-poison:${message.driveId}:${message.transferId}`,
                severity: 'warning',
                kind: 'transfer_poisoned',
                title: 'A file could not be transferred',
                message: `${message.direction === 'upload' ? 'Uploading' : 'Downloading'} ${message.platformPath} failed ${delivery.dequeueCount} times (${error.code}); it is in the poison queue.`,
                hint: `Fix the cause shown on the transfer, then POST /api/drives/${message.driveId}/transfers/${message.transferId}/replay.`,
                subject: { type: 'transfer', id: message.transferId, name: message.platformPath },
            },
            { log },
        ).catch(() => undefined);
    } else {
        await entry.release(message, error);
        log.warn('transfer attempt failed; the queue will retry it', {
            transferId: message.transferId,
            attempt: delivery.dequeueCount,
            error,
        });
    }
    throw e;
}

function describe(e: unknown): NonNullable<TransferRecord['error']> {
    if (e instanceof TransferError) {
        return {
            code: e.code,
            message: e.message,
            graphCode: e.graph?.code,
            requestId: e.graph?.requestId,
            retryable: e.retryable,
        };
    }
    if (e instanceof AccountAuthError)
        return { code: e.failure.code, message: e.failure.message, retryable: !e.needsReauth };
    const fault = dependencyFaultIn(e);
    if (fault) return { code: fault.code, message: fault.message, retryable: fault.retryable };
    return { code: 'transfer_error', message: (e as Error)?.message ?? String(e), retryable: true };
}

async function buildContext(
    services: Services,
    message: TransferMessage,
    journal: JournalEntry,
    deadline: Deadline,
    log: Logger,
    options: TransferOptions,
): Promise<TransferContext> {
    const { integration, drive } = await (options.scope?.loaded(() => loadDrive(services, message)) ??
        loadDrive(services, message));
    const token = tokenFor(services, integration, drive);
    const http: HttpDeps = {
        tenantId: integration.tenantId,
        userAgent: services.config.m365.userAgent,
        gate: options.gate ?? throttleGate(services),
        deadline,
        log,
        beforeRequest: options.hooks?.beforeRequest,
        afterResponse: options.hooks?.afterResponse,
    };
    const { graphBaseUrl } = cloudEndpoints(integration.cloud, services.config.m365);
    const graph = new GraphApi(
        http,
        graphBaseUrl.replace(/\/+$/, ''),
        drive.graph?.driveId as string,
        options.scope ? options.scope.tokenFrom(token) : token,
        services.config.m365.trustedHosts,
    );
    return {
        services,
        integration,
        drive,
        message,
        journal,
        graph,
        http,
        deadline,
        fragmentBytes: options.fragmentBytes ?? services.config.transfer.fragmentBytes,
        log,
        hooks: options.hooks ?? {},
    };
}

/** App-only drives (Sites.Selected) have no account: the application's own token reaches them. */
function tokenFor(services: Services, integration: IntegrationRecord, drive: DriveRecord): () => Promise<string> {
    if (drive.auth === 'app') {
        return async () =>
            (await import('../credentials/appOnly/appToken')).acquireAppGraphToken(services, integration);
    }
    const homeAccountId = drive.account?.homeAccountId as string;
    return () => acquireGraphToken(services, integration, homeAccountId);
}

async function loadDrive(
    services: Services,
    message: TransferMessage,
): Promise<{ integration: IntegrationRecord; drive: DriveRecord }> {
    const [integrations, drives] = await Promise.all([
        services.tables.get('integrations'),
        services.tables.get('drives'),
    ]);
    const integration = (await getIntegration(integrations, message.integrationId))?.record;
    const drive = integration ? (await getDrive(drives, integration.id, message.driveId))?.drive : undefined;
    if (!integration || !drive)
        throw new TransferError('drive_not_found', 'The drive or its integration no longer exists.', 'failed');
    if (!drive.graph?.driveId || !hasGraphIdentity(drive))
        throw new TransferError(
            'drive_not_connected',
            `The drive has no account or library bound (status ${drive.status}); reconnect it, then replay.`,
            'failed',
        );
    return { integration, drive };
}
