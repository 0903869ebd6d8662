import { z } from 'zod';
import { CONFLICT_POLICIES } from '../drives/drivePolicies';
import { DRIVE_STATUSES, type DriveStatus } from '../drives/driveRecord';
import { CLOUD_NAMES, type CloudName } from '../integration/cloud';
import { TITLES, type CheckpointId } from '../integration/status/checkpoint';
import { propertiesSchema } from '../properties/properties';
import { named } from './routeDescription';

/**
 * Response shapes, for the API description only (handlers build these objects from typed records).
 * Kept loose where a field is informative rather than a contract (`looseObject`).
 */
const timestamp = z.string().meta({ format: 'date-time' });

export const errorBody = named(
    'ErrorBody',
    z.object({
        error: z.object({
            code: z.string().meta({ description: 'Stable machine code; see the error codes of each operation.' }),
            message: z.string(),
            hint: z.string().optional().meta({ description: 'What an administrator should do.' }),
            details: z.array(z.object({ field: z.string(), code: z.string(), message: z.string() })).optional(),
        }),
    }),
);

const clientSecretView = z.union([
    z.object({
        configured: z.literal(true),
        expiresOn: timestamp,
        daysToExpiry: z.int(),
        fingerprint: z.string(),
        hint: z.string(),
        version: z.string().optional(),
    }),
    z.object({ configured: z.literal(false) }),
]);

const integrationFields = {
    integrationId: z.string(),
    tenantId: z.string(),
    tenantDomain: z.string().optional(),
    clientId: z.string(),
    cloud: z.enum(CLOUD_NAMES as [CloudName, ...CloudName[]]),
    redirectUri: z.string(),
    scopes: z.array(z.string()),
    clientSecret: clientSecretView,
    fault: z
        .object({ code: z.string(), message: z.string(), hint: z.string(), since: timestamp, nextCheckAt: timestamp })
        .optional()
        .meta({
            description:
                'Present while a dependency fault stops every drive (e.g. credential_missing: the client secret is gone from Key Vault); the hint names the fix. The service checks again at growing intervals and clears it by itself once the cause is gone.',
        }),
    updatedAt: timestamp,
    updatedBy: z.string(),
    activeCredential: z
        .object({ id: z.string(), kind: z.string(), expiresOn: timestamp.optional() })
        .optional()
        .meta({ description: 'The credential new token requests use (see /api/manage/integration/credentials).' }),
};

export const integrationView = named('IntegrationView', z.object(integrationFields));
export const integrationSaved = named(
    'IntegrationSaved',
    z.object({ ...integrationFields, changed: z.array(z.string()) }),
);

export const integrationRemoved = named(
    'IntegrationRemoved',
    z.object({
        integrationId: z.string(),
        disconnectedDrives: z.array(
            z.object({
                driveId: z.string(),
                name: z.string(),
                scope: z.enum(['platform', 'personal']),
                platformUserId: z.string().optional(),
            }),
        ),
        tokenCachesPurged: z.int(),
        secretDeleted: z.boolean(),
        credentialSecretsDeleted: z
            .array(z.string())
            .meta({ description: 'Key Vault secrets of the credentials (soft-deleted, recoverable).' }),
    }),
);

export const integrationStatus = named(
    'IntegrationStatus',
    z.object({
        status: z.enum(['ok', 'failing', 'warning']),
        checkedAt: timestamp,
        cached: z.boolean(),
        checkpoints: z.array(
            z.object({
                id: z.enum(Object.keys(TITLES) as [CheckpointId, ...CheckpointId[]]),
                title: z.string(),
                status: z.enum(['pass', 'fail', 'warn', 'pending']),
                evidence: z.string(),
                code: z.string().optional().meta({
                    description:
                        'The Entra error behind a failure, e.g. AADSTS700016, or the dependency fault (credential_missing, key_vault_forbidden, …).',
                }),
                hint: z.string().optional(),
            }),
        ),
    }),
);

const runTriggers = z
    .string()
    .meta({ description: 'What started the run: manual, timer, notification, retry, sweep…' });
const lastRun = z
    .object({
        runId: z.string(),
        at: timestamp.meta({ description: 'When the run finished.' }),
        status: z.string().meta({ description: 'succeeded, failed or held (deletes waiting for approval).' }),
        trigger: runTriggers.optional(),
        startedAt: timestamp.optional(),
        durationMs: z.number().optional(),
        dryRun: z.boolean().optional(),
        firstSync: z.boolean().optional(),
        counts: z.record(z.string(), z.number()).optional().meta({ description: 'Planned actions per kind.' }),
        outcomes: z.record(z.string(), z.number()).optional().meta({ description: 'Per-item outcomes per status.' }),
        transfersEnqueued: z.number().optional(),
        error: z.object({ code: z.string(), message: z.string(), hint: z.string().optional() }).optional(),
    })
    .meta({ description: 'The last run that finished; its items: GET /api/drives/{driveId}/runs/{runId}.' });
const driveSync = z
    .object({
        intervalMinutes: z.int().meta({ description: "The drive's policy, else the SyncIntervalMinutes property." }),
        lastRun: lastRun.optional(),
        currentRun: z
            .object({
                runId: z.string(),
                status: z.enum(['queued', 'running']),
                since: timestamp,
                trigger: runTriggers.optional(),
            })
            .optional(),
        nextRunAt: timestamp.optional().meta({
            description:
                'When the next run starts (the queued run, else the last request plus the interval). Absent while the drive cannot sync: its status says why.',
        }),
        failures: z
            .object({ count: z.int(), code: z.string(), since: timestamp })
            .optional()
            .meta({ description: 'Consecutive failed runs; retried with backoff, an alert at the cap.' }),
    })
    .meta({ description: 'How the drive is doing. GET /api/drives and GET /api/drives/{driveId} only.' });

const statusCause = z.object({ code: z.string(), message: z.string(), hint: z.string(), at: timestamp });

export const driveRecord = named(
    'Drive',
    z.object({
        id: z.string(),
        integrationId: z.string(),
        name: z.string(),
        kind: z.enum(['sharepoint', 'onedrive']),
        scope: z.enum(['platform', 'personal']),
        platformUserId: z.string().optional(),
        account: z
            .object({ homeAccountId: z.string(), username: z.string(), displayName: z.string().optional() })
            .optional(),
        graph: z
            .object({
                siteId: z.string().optional(),
                driveId: z.string(),
                driveType: z.string(),
                webUrl: z.string().optional(),
                name: z.string(),
            })
            .optional(),
        auth: z.enum(['delegated', 'app']).optional().meta({
            description: "'app': synced with the application's own token (Sites.Selected), no person's account.",
        }),
        status: z.enum(DRIVE_STATUSES as [DriveStatus, ...DriveStatus[]]).meta({
            description:
                "credential_unavailable: the integration's credential cannot be read (statusCause.code credential_missing, credential_disabled, key_vault_forbidden…); the drive resumes by itself once that is fixed.",
        }),
        statusCause: statusCause.optional(),
        policies: z.object({
            conflictPolicy: z.enum(CONFLICT_POLICIES),
            syncIntervalMinutes: z.int().optional(),
            platformScanMinutes: z.int().optional().meta({
                description: "This drive's own PlatformScanMinutes; absent: the property's value applies.",
            }),
        }),
        notifications: z
            .object({
                state: z.enum(['active', 'unavailable', 'error', 'off']),
                mode: z.enum(['webhook', 'schedule']),
                expiresAt: timestamp.optional(),
                reason: z
                    .object({ code: z.string(), message: z.string(), graphCode: z.string().optional() })
                    .optional()
                    .meta({
                        description: 'Why notifications are not active; the drive syncs on its schedule meanwhile.',
                    }),
                updatedAt: timestamp.optional(),
            })
            .optional()
            .meta({
                description:
                    'Change notifications: webhook (near real time) or schedule only, with the reason. GET /api/drives/{driveId} only.',
            }),
        sync: driveSync.optional(),
        createdAt: timestamp,
        updatedAt: timestamp,
    }),
);

const connectFields = {
    connectUrl: z
        .string()
        .meta({ format: 'uri', description: "Single-use sign-in link; open it in the admin's browser." }),
    connectExpiresAt: timestamp,
};

export const connectLink = named('ConnectLink', z.object(connectFields));
export const driveAdded = named('DriveAdded', z.object({ drive: driveRecord.schema, ...connectFields }));
export const driveList = named('DriveList', z.object({ value: z.array(driveRecord.schema) }));
export const driveRemoved = named('DriveRemoved', z.object({ driveId: z.string(), removed: z.literal(true) }));

export const siteList = named(
    'SiteList',
    z.object({
        value: z.array(
            z.looseObject({
                id: z.string(),
                name: z.string().optional(),
                displayName: z.string().optional(),
                webUrl: z.string().optional(),
            }),
        ),
    }),
);
export const libraryList = named(
    'LibraryList',
    z.object({
        value: z.array(
            z.looseObject({ id: z.string(), name: z.string(), driveType: z.string(), webUrl: z.string().optional() }),
        ),
    }),
);

export const properties = named('Properties', propertiesSchema);
export const propertiesChanged = named('PropertiesChanged', propertiesSchema.extend({ changed: z.array(z.string()) }));

const dependency = z.object({ status: z.enum(['ok', 'failed']), latencyMs: z.number(), error: z.string().optional() });
export const readiness = named(
    'Readiness',
    z.object({
        status: z.enum(['ok', 'degraded']),
        dependencies: z.object({ table: dependency, queue: dependency, blob: dependency, keyVault: dependency }),
        checkedAt: z.iso.datetime(),
    }),
);

export const healthStatus = named('HealthStatus', z.strictObject({ status: z.enum(['ok', 'degraded']) }));

export const openApiDocument = named(
    'OpenApiDocument',
    z.looseObject({ openapi: z.string(), info: z.looseObject({}), paths: z.looseObject({}) }),
);
