import { z } from 'zod';
import { CONFLICT_POLICIES } from './drivePolicies';

const name = z.string().trim().min(1).max(100);
/**
 * The drive's own PlatformScanMinutes (the longest it goes without a listing of the platform store,
 * 0 = every run): a drive whose platform side is written around the API (storage tools, another
 * service) may need it shorter than the integration's, a huge quiet one longer. Same bounds as the
 * property (properties.ts); null returns the drive to the property.
 */
const platformScanMinutes = z.int().min(0).max(1440).meta({
    description:
        'Longest time (minutes) this drive goes without listing the platform store; 0 lists on every sync. Overrides the PlatformScanMinutes property; PATCH null to go back to it.',
});
const returnUrl = z.url({ protocol: /^https?$/ }).max(2048);
/**
 * The person who must sign in: their Entra object id (a GUID, preferred: it never changes) or user
 * principal name. Required for personal drives, so a forwarded connect link cannot connect someone else.
 */
const expectedUser = z.union(
    [
        z.guid(),
        z
            .string()
            .trim()
            .regex(/^[^@\s]+@[^@\s]+$/)
            .max(256),
    ],
    {
        error: 'Expected the Entra object id (a GUID) or the user principal name (name@domain) of the person.',
    },
);

export const addDriveInput = z
    .strictObject({
        name,
        kind: z.enum(['sharepoint', 'onedrive']),
        scope: z.enum(['platform', 'personal']).default('platform'),
        platformUserId: z.string().min(1).max(256).optional(),
        returnUrl: returnUrl.optional(),
        expectedUser: expectedUser.optional(),
        conflictPolicy: z.enum(CONFLICT_POLICIES).optional(),
        syncIntervalMinutes: z.int().min(5).max(1440).optional(),
        platformScanMinutes: platformScanMinutes.optional(),
    })
    .refine((d) => d.scope !== 'personal' || d.platformUserId !== undefined, {
        path: ['platformUserId'],
        message: 'A personal drive needs the platform user it belongs to.',
        params: { code: 'platform_user_required' },
    })
    .refine((d) => d.scope !== 'personal' || d.expectedUser !== undefined, {
        path: ['expectedUser'],
        message:
            'A personal drive needs the Microsoft account of the person it belongs to (their object id or UPN): only they may connect it.',
        params: { code: 'expected_user_required' },
    });

export const updateDriveInput = z
    .strictObject({
        name: name.optional(),
        siteId: z.string().min(1).max(512).optional(),
        graphDriveId: z.string().min(1).max(512).optional(),
        conflictPolicy: z.enum(CONFLICT_POLICIES).optional(),
        syncIntervalMinutes: z.int().min(5).max(1440).optional(),
        platformScanMinutes: platformScanMinutes.nullable().optional(),
    })
    .refine((d) => Object.keys(d).length > 0, {
        message: 'Send at least one field to change.',
        params: { code: 'empty_patch' },
    })
    // The refinement is invisible to JSON Schema: say it there too, so clients see {} is refused.
    .meta({ minProperties: 1 })
    .refine((d) => d.siteId === undefined || d.graphDriveId !== undefined, {
        path: ['graphDriveId'],
        message: 'Choose the library (graphDriveId) within the site.',
        params: { code: 'library_required' },
    });

export const reconnectInput = z.strictObject({
    returnUrl: returnUrl.optional(),
    /** Who must sign in this time; default for a personal drive: the account it is connected with. */
    expectedUser: expectedUser.optional(),
});

export type AddDriveInput = z.infer<typeof addDriveInput>;
export type UpdateDriveInput = z.infer<typeof updateDriveInput>;
