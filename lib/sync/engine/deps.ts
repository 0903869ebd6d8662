import type { Client } from '@microsoft/microsoft-graph-client';
import type { DriveRecord } from '../../drives/driveRecord';
import type { IntegrationRecord } from '../../integration/integrationRepository';
import type { Services } from '../../runtime/services';
import type { ApplyContext } from '../apply/applyContext';
import type { AppliedPlan } from '../apply/applyPlan';
import type { BaselineEntry, PlatformEntry, Plan } from '../plan';
import type { PlatformChanges } from '../plan/platformChanges';
import type { PlatformFolder } from '../platform/platformListing';
import type { DeltaItem } from '../remote';
import type { FoldResult } from '../state/foldTransfers';

/**
 * What a sync run needs from the rest of the service: the platform side, the baseline, the applier,
 * and a Graph client. Real modules by default (imported on first use); tests and the benchmark swap
 * single parts.
 */
export interface SyncDeps {
    foldTransfers(services: Services, driveId: string): Promise<FoldResult>;
    loadBaseline(services: Services, driveId: string): Promise<BaselineEntry[]>;
    /** The same rows a page at a time, for a run that reads the drive through (a reconciliation listing). */
    streamBaseline(services: Services, driveId: string): AsyncIterable<BaselineEntry[]>;
    /** The drive's baseline row count, or undefined until its path index is complete (state/baselineIndex.ts). */
    baselineCount(services: Services, driveId: string): Promise<number | undefined>;
    /** The rows around delta's changes (engine/scopedBaseline.ts): a superset of what the scoped plan reads. */
    loadBaselineAround(
        services: Services,
        driveId: string,
        items: readonly DeltaItem[],
        rootId: string | undefined,
        platform?: PlatformChanges,
        /** Folders' rows this run already read (PlatformDiff.folderRows): not read again. */
        readFolders?: ReadonlyMap<string, readonly BaselineEntry[]>,
    ): Promise<BaselineEntry[]>;
    /** A drive stored in one partition moves into buckets (state/baselineMigration.ts); rows moved. */
    migrateBaseline(services: Services, driveId: string): Promise<number>;
    /** After a full load: completes the path index of an older drive, corrects the count. */
    ensureBaselineIndex(services: Services, driveId: string, entries: readonly BaselineEntry[]): Promise<void>;
    listPlatformEntries(services: Services, drive: DriveRecord): Promise<PlatformEntry[]>;
    /** One folder's children, every spelling of it (a listing run walks the store: engine/platformDiff.ts). */
    listPlatformFolder(services: Services, drive: DriveRecord, spellings: readonly string[]): Promise<PlatformFolder>;
    /** The same listing page by page, for a first sync (it never holds the whole drive). */
    streamPlatformEntries(services: Services, drive: DriveRecord): AsyncIterable<PlatformEntry[]>;
    applyPlan(ctx: ApplyContext, plan: Plan): Promise<AppliedPlan>;
    /** Its every request passes the tenant's throttle gate (Retry-After shared by all instances, RateLimit pacing). */
    graphClient(services: Services, integration: IntegrationRecord, drive: DriveRecord): Promise<Client>;
}

export async function defaultDeps(): Promise<SyncDeps> {
    const [fold, baseline, index, migration, around, platform, apply, graph] = await Promise.all([
        import('../state/foldTransfers'),
        import('../state/baselineStore'),
        import('../state/baselineIndex'),
        import('../state/baselineMigration'),
        import('./scopedBaseline'),
        import('../platform/platformListing'),
        import('../apply/applyPlan'),
        import('../../credentials/appOnly/appToken'),
    ]);
    return {
        foldTransfers: fold.foldTransfers,
        loadBaseline: baseline.loadBaseline,
        streamBaseline: (services, driveId) => baseline.streamBaseline(services, driveId),
        baselineCount: index.readBaselineCount,
        loadBaselineAround: around.loadBaselineAround,
        migrateBaseline: migration.migrateBaselineLayout,
        ensureBaselineIndex: index.ensureBaselineIndex,
        listPlatformEntries: platform.listPlatformEntries,
        listPlatformFolder: (services, drive, spellings) => platform.listPlatformFolder(services, drive, spellings),
        streamPlatformEntries: (services, drive) => platform.streamPlatformEntries(services, drive),
        applyPlan: apply.applyPlan,
        // App-only (Sites.Selected) drives have no account: the application's own token.
        graphClient: (services, integration, drive) => graph.graphClientForDrive(services, integration, drive),
    };
}
