import { restStatus } from '../storage/restError';
import type { TableClient } from '@azure/data-tables';
import { z } from 'zod';
import { CONFLICT_POLICIES } from '../drives/drivePolicies';

/**
 * System properties: the platform-wide switches the admin guide names (ShowNewMyAccountFilesView,
 * EnableDownloadExternalFile) plus the service's own defaults. One row; every change is audited.
 */
export const propertiesSchema = z.strictObject({
    ShowNewMyAccountFilesView: z.boolean(),
    EnableDownloadExternalFile: z.boolean(),
    AllowPersonalConnections: z.boolean(),
    SyncIntervalMinutes: z.int().min(5).max(1440),
    DefaultConflictPolicy: z.enum(CONFLICT_POLICIES),
    BigDeleteMaxCount: z.int().min(1).max(1_000_000),
    BigDeleteMaxPercent: z.int().min(1).max(100),
    PlatformScanMinutes: z.int().min(0).max(1440),
});

export type Properties = z.infer<typeof propertiesSchema>;

export const propertiesPatchSchema = propertiesSchema
    .partial()
    .refine((p) => Object.keys(p).length > 0, { message: 'Send at least one property to change.' })
    // The refinement is invisible to JSON Schema: say it there too, so clients see {} is refused.
    .meta({ minProperties: 1 });

export const DEFAULT_PROPERTIES: Properties = {
    ShowNewMyAccountFilesView: false,
    EnableDownloadExternalFile: false,
    AllowPersonalConnections: false,
    SyncIntervalMinutes: 15,
    DefaultConflictPolicy: 'keep-both',
    BigDeleteMaxCount: 50,
    BigDeleteMaxPercent: 20,
    PlatformScanMinutes: 60,
};

const KEY = { partitionKey: 'properties', rowKey: 'current' };

export async function readProperties(table: TableClient): Promise<{ properties: Properties; etag?: string }> {
    try {
        const row = await table.getEntity<{ document: string }>(KEY.partitionKey, KEY.rowKey);
        // Defaults first: a property added in a later version has a value before anyone sets it.
        return {
            properties: { ...DEFAULT_PROPERTIES, ...(JSON.parse(row.document) as Partial<Properties>) },
            etag: row.etag,
        };
    } catch (e) {
        if (restStatus(e) === 404) return { properties: { ...DEFAULT_PROPERTIES } };
        throw e;
    }
}

/** Applies a patch; returns the names that actually changed (an unchanged value is not a change). */
export async function patchProperties(
    table: TableClient,
    patch: Partial<Properties>,
): Promise<{ properties: Properties; changed: string[] }> {
    const { properties, etag } = await readProperties(table);
    const changed = (Object.keys(patch) as (keyof Properties)[]).filter((k) => patch[k] !== properties[k]);
    if (changed.length === 0) return { properties, changed };
    const next = { ...properties, ...patch };
    const entity = { ...KEY, document: JSON.stringify(next) };
    if (etag) await table.updateEntity(entity, 'Replace', { etag });
    else await table.createEntity(entity);
    return { properties: next, changed };
}
