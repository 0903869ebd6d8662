import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { CONFLICT_POLICIES } from '../../drives/drivePolicies';
import type { DriveRecord } from '../../drives/driveRecord';
import { saveDrive } from '../../drives/driveRepository';
import { getDriveById } from '../../graph/driveResources';
import { ApiError } from '../../http/apiError';
import { requireIntegration } from '../../integration/integrationSettings';
import { readProperties } from '../../properties/properties';
import type { Services } from '../../runtime/services';
import { AppAuthError, graphClientForApp } from './appToken';
import { siteGrantHint } from './siteGrantHint';
import { graphError } from '../../graph/graphError';

/** POST /api/manage/integration/app-drives: a SharePoint library synced with the app's own identity. */
export const addAppOnlyDriveInput = z.strictObject({
    name: z.string().trim().min(1).max(100),
    siteId: z.string().min(1).max(512),
    graphDriveId: z.string().min(1).max(512),
    conflictPolicy: z.enum(CONFLICT_POLICIES).optional(),
    syncIntervalMinutes: z.int().min(5).max(1440).optional(),
});
export type AddAppOnlyDriveInput = z.infer<typeof addAppOnlyDriveInput>;

/**
 * Least-privilege mode: no account signs in; the application reads the library with a client-
 * credentials token, which Graph allows only on sites granted to it (Sites.Selected). The library is
 * checked before the drive is saved, so an ungranted site is refused with the grant to make.
 */
export async function addAppOnlyDrive(services: Services, input: AddAppOnlyDriveInput): Promise<DriveRecord> {
    const integration = await requireIntegration(services);
    let library;
    try {
        library = await getDriveById(await graphClientForApp(services, integration), input.graphDriveId);
    } catch (e) {
        if (e instanceof AppAuthError) {
            throw new ApiError(409, 'app_sign_in_failed', e.failure.message, e.failure.hint, [
                { field: 'credential', code: e.failure.code, message: e.failure.message },
            ]);
        }
        const failure = graphError(e);
        if (failure && [403, 404].includes(failure.status)) {
            throw new ApiError(
                403,
                'site_not_granted',
                `The application cannot read that library (Graph ${failure.status} ${failure.code}).`,
                siteGrantHint(input.siteId, integration.clientId),
            );
        }
        throw e;
    }
    if (library.driveType !== 'documentLibrary') {
        throw new ApiError(
            400,
            'validation_failed',
            `That drive is a ${library.driveType} drive, not a document library.`,
            'App-only mode syncs SharePoint document libraries.',
            [{ field: 'graphDriveId', code: 'not_a_document_library', message: 'Not a document library.' }],
        );
    }
    const { properties } = await readProperties(await services.tables.get('properties'));
    const now = new Date().toISOString();
    const drive: DriveRecord = {
        id: `drv_${randomBytes(9).toString('base64url')}`,
        integrationId: integration.id,
        name: input.name,
        kind: 'sharepoint',
        scope: 'platform',
        auth: 'app',
        graph: {
            siteId: input.siteId,
            driveId: library.id,
            driveType: library.driveType,
            webUrl: library.webUrl,
            name: library.name,
        },
        status: 'connected',
        policies: {
            conflictPolicy: input.conflictPolicy ?? properties.DefaultConflictPolicy,
            ...(input.syncIntervalMinutes ? { syncIntervalMinutes: input.syncIntervalMinutes } : {}),
        },
        createdAt: now,
        updatedAt: now,
    };
    await saveDrive(await services.tables.get('drives'), drive);
    // Records the drive's notification health (schedule only, for now), as a connected drive's would.
    await (
        await import('../../notifications/ensureSubscription')
    ).ensureSubscriptionSafely(services, integration, drive);
    return drive;
}
