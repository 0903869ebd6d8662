import { functions } from '../../functions/registry';
import type { DriveRecord } from '../../lib/drives/driveRecord';
import type { IntegrationRecord } from '../../lib/integration/integrationRepository';
import { getServices } from '../../lib/runtime/services';
import { scheduleDueDrives } from '../../lib/sync/engine';
import { listSchedule, SCHEDULE_PARTITION } from '../../lib/sync/engine/schedule';
import { startServiceEnvironment, type ServiceEnvironment } from '../support/serviceEnvironment';

/**
 * Rows of the service's own state that no longer parse ("corrupt row" in issue 20's taxonomy): a route
 * names the row and answers 503 state_corrupt instead of a 500; the scheduler's own rows, which only
 * hold marks it can rebuild, are dropped so one bad row never stops the fan-out for every drive.
 */
let env: ServiceEnvironment;

beforeAll(async () => {
    env = await startServiceEnvironment({ functions: functions.filter((f) => f.name !== 'syncQueue') });
}, 60_000);

afterAll(async () => {
    await env?.stop();
});

const integration: IntegrationRecord = {
    id: 'default',
    tenantId: '11111111-1111-4111-8111-111111111111',
    clientId: '22222222-2222-4222-8222-222222222222',
    cloud: 'global',
    redirectUri: 'https://sync.example.com/oauth2/sharepoint/callback',
    scopes: ['Files.ReadWrite.All'],
    createdAt: '2030-01-01T00:00:00.000Z',
    updatedAt: '2030-01-01T00:00:00.000Z',
    updatedBy: 'test',
};

const drive: DriveRecord = {
    id: 'drv_corruptschedule',
    integrationId: 'default',
    name: 'Corrupt schedule',
    kind: 'onedrive',
    scope: 'platform',
    account: { homeAccountId: 'uid.utid', username: 'someone@contoso.example' },
    graph: { driveId: 'b!drive', driveType: 'business', name: 'OneDrive' },
    status: 'connected',
    policies: { conflictPolicy: 'keep-both' },
    createdAt: '2030-01-01T00:00:00.000Z',
    updatedAt: '2030-01-01T00:00:00.000Z',
};

it('a corrupt integration row answers 503 state_corrupt naming the row, not a 500', async () => {
    const s = await getServices();
    const integrations = await s.tables.get('integrations');
    await integrations.upsertEntity({
        partitionKey: 'integration',
        rowKey: 'default',
        document: '{"id": "default", trunc',
    });
    const res = await env.api('GET', '/api/manage/integration');
    expect(res.status).toBe(503);
    expect(res.body).toMatchObject({ error: { code: 'state_corrupt' } });
    const hint = (res.body as { error: { hint: string } }).error.hint;
    expect(hint).toContain(integrations.tableName);
    expect(hint).toContain('PartitionKey integration, RowKey default');
    await integrations.deleteEntity('integration', 'default');
});

it('a corrupt schedule row is dropped and rebuilt: the drive is scheduled, the others too', async () => {
    const s = await getServices();
    await (
        await s.tables.get('integrations')
    ).upsertEntity({
        partitionKey: 'integration',
        rowKey: 'default',
        document: JSON.stringify(integration),
    });
    const other = { ...drive, id: 'drv_healthyschedule', name: 'Healthy' };
    for (const d of [drive, other])
        await (
            await s.tables.get('drives')
        ).upsertEntity({
            partitionKey: 'default',
            rowKey: d.id,
            document: JSON.stringify(d),
        });
    await (
        await s.tables.get('syncState')
    ).upsertEntity({
        partitionKey: SCHEDULE_PARTITION,
        rowKey: drive.id,
        document: '\u0000not json',
    });
    const result = await scheduleDueDrives(s);
    expect(result.enqueued.sort()).toEqual([drive.id, other.id].sort());
    const schedule = await listSchedule(s);
    expect(schedule.get(drive.id)).toMatchObject({ driveId: drive.id, queued: { trigger: 'timer' } });
});
