import { TableServiceClient } from '@azure/data-tables';
import { BlobServiceClient } from '@azure/storage-blob';
import { QueueServiceClient } from '@azure/storage-queue';
import { buildOpenApiDocument } from '../../lib/openapi/buildDocument';
import { ROUTES } from '../../lib/openapi/routes';
import { startConnectedService, type ConnectedService } from '../support/connectedService';

/**
 * Bad input, route by route: every case is a 4xx with a documented code and a hint, and nothing is
 * stored (entities in every table of the suite, blobs in its container and messages in its queues are
 * counted before and after the whole table). The contract check (test/support/apiContract.ts) holds
 * every answer against openapi.json as well. A route of the document without a case fails the suite.
 */
interface Case {
    operation: string;
    what: string;
    method: string;
    path: string;
    body?: unknown;
    rawBody?: string;
    headers?: Record<string, string>;
    status: number;
    code: string;
}

const GARBAGE_TOKEN = 'bm90LWEtdG9rZW4=';

function cases(driveId: string): Case[] {
    const d = `/api/drives/${driveId}`;
    const c = (
        operation: string,
        what: string,
        method: string,
        path: string,
        status: number,
        code: string,
        extra: Partial<Case> = {},
    ): Case => ({ operation, what, method, path, status, code, ...extra });
    return [
        c('getHealth', 'wrong method', 'POST', '/api/health', 405, 'method_not_allowed'),
        c('getHealthDetails', 'wrong method', 'DELETE', '/api/health/details', 405, 'method_not_allowed'),
        c('getOpenApiDocument', 'wrong method', 'DELETE', '/api/openapi.json', 405, 'method_not_allowed'),
        c('getAdminConsole', 'wrong method', 'POST', '/manage', 405, 'method_not_allowed'),
        c('getIntegration', 'wrong method', 'POST', '/api/manage/integration', 405, 'method_not_allowed'),
        c('putIntegration', 'empty body', 'PUT', '/api/manage/integration', 400, 'validation_failed', { body: {} }),
        c('putIntegration', 'wrong types', 'PUT', '/api/manage/integration', 400, 'validation_failed', {
            body: { tenantId: 42, clientId: true, clientSecret: ['x'] },
        }),
        c('putIntegration', 'unknown field', 'PUT', '/api/manage/integration', 400, 'validation_failed', {
            body: { surprise: 1 },
        }),
        c('putIntegration', 'not JSON', 'PUT', '/api/manage/integration', 400, 'invalid_json', {
            rawBody: '{"tenantId":',
            headers: { 'content-type': 'application/json' },
        }),
        c('putIntegration', 'not JSON content', 'PUT', '/api/manage/integration', 415, 'unsupported_media_type', {
            rawBody: 'tenantId=x',
            headers: { 'content-type': 'application/x-www-form-urlencoded' },
        }),
        c('deleteIntegration', 'wrong method', 'PATCH', '/api/manage/integration', 405, 'method_not_allowed'),
        c(
            'getIntegrationStatus',
            'refresh outside its enum',
            'GET',
            '/api/manage/integration/status?refresh=yes',
            400,
            'validation_failed',
        ),
        c('getProperties', 'wrong method', 'PUT', '/api/manage/properties', 405, 'method_not_allowed'),
        c('patchProperties', 'empty patch', 'PATCH', '/api/manage/properties', 400, 'validation_failed', { body: {} }),
        c('patchProperties', 'wrong type', 'PATCH', '/api/manage/properties', 400, 'validation_failed', {
            body: { BigDeleteMaxCount: 'many' },
        }),
        c('patchProperties', 'unknown property', 'PATCH', '/api/manage/properties', 400, 'validation_failed', {
            body: { NoSuchProperty: true },
        }),
        c('searchSites', 'no driveId', 'GET', '/api/manage/sites?search=x', 400, 'validation_failed'),
        c('searchSites', 'unknown drive', 'GET', '/api/manage/sites?driveId=drv_nope', 404, 'drive_not_found'),
        c('listSiteLibraries', 'no driveId', 'GET', '/api/manage/sites/site-1', 400, 'validation_failed'),
        c(
            'listSiteDrives',
            'unknown drive',
            'GET',
            '/api/manage/sites/site-1/drives?driveId=drv_nope',
            404,
            'drive_not_found',
        ),
        c('listDrives', 'wrong method', 'PUT', '/api/drives', 405, 'method_not_allowed'),
        c('addDrive', 'empty body', 'POST', '/api/drives', 400, 'validation_failed', { body: {} }),
        c('addDrive', 'wrong kind', 'POST', '/api/drives', 400, 'validation_failed', {
            body: { name: 'x', kind: 'dropbox' },
        }),
        c('addDrive', 'return URL not allowed', 'POST', '/api/drives', 400, 'validation_failed', {
            body: { name: 'x', kind: 'onedrive', returnUrl: 'https://evil.example.com/' },
        }),
        c('getDrive', 'unknown id', 'GET', '/api/drives/drv_nope', 404, 'drive_not_found'),
        c('getDrive', 'refresh outside its enum', 'GET', `${d}?refresh=yes`, 400, 'validation_failed'),
        c('updateDrive', 'empty patch', 'PATCH', d, 400, 'validation_failed', { body: {} }),
        c('updateDrive', 'wrong type', 'PATCH', d, 400, 'validation_failed', {
            body: { syncIntervalMinutes: 'often' },
        }),
        c('updateDrive', 'platform scan interval out of range', 'PATCH', d, 400, 'validation_failed', {
            body: { platformScanMinutes: 1441 },
        }),
        c('updateDrive', 'unknown drive', 'PATCH', '/api/drives/drv_nope', 404, 'drive_not_found', {
            body: { name: 'x' },
        }),
        c('removeDrive', 'unknown id', 'DELETE', '/api/drives/drv_nope', 404, 'drive_not_found'),
        c('reconnectDrive', 'return URL not allowed', 'POST', `${d}/reconnect`, 400, 'validation_failed', {
            body: { returnUrl: 'javascript:alert(1)' },
        }),
        c('reconnectDrive', 'unknown drive', 'POST', '/api/drives/drv_nope/reconnect', 404, 'drive_not_found', {
            body: {},
        }),
        c('startConnect', 'wrong method', 'POST', '/oauth2/sharepoint/connect', 405, 'method_not_allowed'),
        c('completeConnect', 'wrong method', 'POST', '/oauth2/sharepoint/callback', 405, 'method_not_allowed'),
        c('receiveGraphNotifications', 'wrong method', 'GET', '/api/graph/notifications', 405, 'method_not_allowed'),
        c('listCredentials', 'wrong method', 'PUT', '/api/manage/integration/credentials', 405, 'method_not_allowed'),
        c('addCredential', 'empty body', 'POST', '/api/manage/integration/credentials', 400, 'validation_failed', {
            body: {},
        }),
        c(
            'getCredential',
            'unknown id',
            'GET',
            '/api/manage/integration/credentials/nope',
            404,
            'credential_not_found',
        ),
        c(
            'retireCredential',
            'unknown id',
            'DELETE',
            '/api/manage/integration/credentials/nope',
            404,
            'credential_not_found',
        ),
        c(
            'promoteCredential',
            'unknown id',
            'POST',
            '/api/manage/integration/credentials/nope/promote',
            404,
            'credential_not_found',
        ),
        c('addAppOnlyDrive', 'empty body', 'POST', '/api/manage/integration/app-drives', 400, 'validation_failed', {
            body: {},
        }),
        c('listAlerts', 'wrong method', 'POST', '/api/manage/alerts', 405, 'method_not_allowed'),
        c('acknowledgeAlert', 'unknown id', 'POST', '/api/manage/alerts/nope/acknowledge', 404, 'alert_not_found'),
        c('createUploadSlot', 'empty body', 'POST', `${d}/uploads`, 400, 'validation_failed', { body: {} }),
        c('createUploadSlot', 'traversal', 'POST', `${d}/uploads`, 400, 'validation_failed', {
            body: { path: '../x.txt' },
        }),
        c('completeUpload', 'nothing uploaded', 'POST', `${d}/uploads/complete`, 404, 'upload_not_found', {
            body: { path: 'never-uploaded.txt' },
        }),
        c('browsePlatformStore', 'pageSize out of range', 'GET', `${d}/items?pageSize=0`, 400, 'validation_failed'),
        c('browsePlatformStore', 'unknown drive', 'GET', '/api/drives/drv_nope/items', 404, 'drive_not_found'),
        c('downloadPlatformItem', 'no path', 'GET', `${d}/items/content`, 400, 'validation_failed'),
        c('syncNow', 'dryRun outside its enum', 'POST', `${d}/sync?dryRun=maybe`, 400, 'validation_failed'),
        c('syncNow', 'unknown drive', 'POST', '/api/drives/drv_nope/sync', 404, 'drive_not_found'),
        c(
            'listSyncRuns',
            'garbage continuation token',
            'GET',
            `${d}/runs?continuationToken=${GARBAGE_TOKEN}`,
            400,
            'invalid_continuation_token',
        ),
        c('listSyncRuns', 'limit out of range', 'GET', `${d}/runs?limit=0`, 400, 'validation_failed'),
        c('getSyncRun', 'unknown run', 'GET', `${d}/runs/run_nope`, 404, 'run_not_found'),
        c('getSyncRun', 'unknown status filter', 'GET', `${d}/runs/run_nope?status=weird`, 400, 'validation_failed'),
        c('listConflicts', 'unknown drive', 'GET', '/api/drives/drv_nope/conflicts', 404, 'drive_not_found'),
        c('listTransfers', 'unknown state', 'GET', `${d}/transfers?state=active,sleeping`, 400, 'validation_failed'),
        c(
            'listTransfers',
            'garbage continuation token',
            'GET',
            `${d}/transfers?continuationToken=${GARBAGE_TOKEN}`,
            400,
            'invalid_continuation_token',
        ),
        c('listTransfers', 'unknown drive', 'GET', '/api/drives/drv_nope/transfers', 404, 'drive_not_found'),
        c('replayTransfer', 'unknown transfer', 'POST', `${d}/transfers/nope/replay`, 404, 'transfer_not_found'),
        c('approveHeldDeletes', 'nothing held', 'POST', `${d}/deletes/approve`, 409, 'no_held_deletes'),
        c('rejectHeldDeletes', 'nothing held', 'POST', `${d}/deletes/reject`, 409, 'no_held_deletes'),
        c('listChanges', 'unknown drive', 'GET', '/api/drives/drv_nope/changes', 404, 'drive_not_found'),
        c('listChanges', 'limit out of range', 'GET', `${d}/changes?limit=0`, 400, 'validation_failed'),
        c('listChanges', 'cursor not a position', 'GET', `${d}/changes?cursor=abc`, 400, 'invalid_cursor'),
        c('listChanges', 'cursor beyond the feed', 'GET', `${d}/changes?cursor=999999999`, 400, 'invalid_cursor'),
    ];
}

describe('bad input, route by route', () => {
    let svc: ConnectedService;
    let driveId: string;

    beforeAll(async () => {
        svc = await startConnectedService();
        expect((await svc.configure()).status).toBe(201);
        const { drive } = await svc.connectDrive(
            { name: 'Adele OneDrive', kind: 'onedrive' },
            svc.sim.demo.users.adele.userPrincipalName,
        );
        driveId = drive.id;
    }, 60_000);
    afterAll(() => svc?.stop());

    it('has a case for every operation of the API description', () => {
        const document = buildOpenApiDocument(ROUTES) as {
            paths: Record<string, Record<string, { operationId: string }>>;
        };
        const operations = Object.values(document.paths).flatMap((item) =>
            Object.values(item).map((o) => o.operationId),
        );
        const covered = new Set(cases('x').map((c) => c.operation));
        expect(operations.filter((o) => !covered.has(o))).toEqual([]);
    });

    it('answers every case with its 4xx, code and hint, and stores nothing', async () => {
        const before = await quietStorage(svc);
        const answers = [];
        for (const c of cases(driveId)) {
            const res = await svc.env.api(c.method, c.path, {
                ...(c.body !== undefined ? { body: c.body } : {}),
                ...(c.rawBody !== undefined ? { rawBody: c.rawBody } : {}),
                ...(c.headers ? { headers: c.headers } : {}),
            });
            const error = (res.body as { error?: { code?: string; hint?: string } } | undefined)?.error;
            answers.push({
                case: `${c.operation}: ${c.what}`,
                status: res.status,
                code: error?.code,
                hasHint: (error?.hint ?? '').length > 0,
            });
        }
        expect(answers).toEqual(
            cases(driveId).map((c) => ({
                case: `${c.operation}: ${c.what}`,
                status: c.status,
                code: c.code,
                hasHint: true,
            })),
        );
        expect(await storageCounts(svc)).toEqual(before);
    });
});

/** Waits for the connected drive's first sync (queued by the connection) to settle: two equal counts in a row. */
async function quietStorage(svc: ConnectedService): Promise<Record<string, number>> {
    let last = await storageCounts(svc);
    for (let i = 0; i < 60; i++) {
        await new Promise((r) => setTimeout(r, 1000));
        const now = await storageCounts(svc);
        if (JSON.stringify(now) === JSON.stringify(last)) return now;
        last = now;
    }
    throw new Error('The service did not settle within a minute');
}

/**
 * Entities per table, blobs per container and messages per queue of this suite's storage; empty ones
 * are left out (a route may create an empty table on first use: that stores nothing).
 */
async function storageCounts(svc: ConnectedService): Promise<Record<string, number>> {
    return Object.fromEntries(Object.entries(await rawCounts(svc)).filter(([, n]) => n > 0));
}

async function rawCounts(svc: ConnectedService): Promise<Record<string, number>> {
    const connection = svc.env.settings.SyncStorage!;
    const prefix = svc.env.settings.TABLE_PREFIX!;
    const counts: Record<string, number> = {};
    const tables = TableServiceClient.fromConnectionString(connection, { allowInsecureConnection: true });
    for await (const t of tables.listTables()) {
        if (!t.name?.startsWith(prefix)) continue;
        const client = (await import('@azure/data-tables')).TableClient.fromConnectionString(connection, t.name, {
            allowInsecureConnection: true,
        });
        let n = 0;
        for await (const _ of client.listEntities({ queryOptions: { select: ['PartitionKey'] } })) n++;
        counts[`table ${t.name.slice(prefix.length)}`] = n;
    }
    const container = BlobServiceClient.fromConnectionString(connection).getContainerClient(
        svc.env.settings.PLATFORM_CONTAINER!,
    );
    let blobs = 0;
    if (await container.exists()) for await (const _ of container.listBlobsFlat()) blobs++;
    counts.blobs = blobs;
    const queues = QueueServiceClient.fromConnectionString(connection);
    for (const name of [svc.env.settings.SYNC_QUEUE_NAME!, svc.env.settings.TRANSFER_QUEUE_NAME!]) {
        const q = queues.getQueueClient(name);
        counts[`queue ${name.split('-')[0]}`] = (await q.exists())
            ? ((await q.getProperties()).approximateMessagesCount ?? 0)
            : 0;
    }
    return counts;
}
