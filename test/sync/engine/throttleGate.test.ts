import { ResponseType, type Client } from '@microsoft/microsoft-graph-client';
import { acquireGraphToken } from '../../../lib/auth/accessToken';
import type { DriveRecord } from '../../../lib/drives/driveRecord';
import { createGraphClient } from '../../../lib/graph/graphClient';
import { loadIntegration } from '../../../lib/integration/integrationSettings';
import type { IntegrationRecord } from '../../../lib/integration/integrationRepository';
import type { Logger } from '../../../lib/logging/logger';
import type { Services } from '../../../lib/runtime/services';
import { tableKey } from '../../../lib/storage/tables';
import { defaultDeps } from '../../../lib/sync/engine/deps';
import { Deadline } from '../../../lib/transfer/budget';
import { send } from '../../../lib/transfer/http';
import { ThrottleGate } from '../../../lib/transfer/throttleGate';
import type { ConnectedService } from '../../support/connectedService';
import { services, startSyncService } from './engineHarness';

/**
 * One gate for every Graph request (issue 15): the engine's Graph client, transfers and app-only
 * clients pass the tenant's throttle gate on every request, so a Retry-After met anywhere holds back
 * every instance, and SharePoint's RateLimit headers slow requests down before Graph throttles.
 */
let svc: ConnectedService;
let drive: DriveRecord;
let integration: IntegrationRecord;
let s: Services;

const quiet: Logger = { info: () => undefined, warn: () => undefined, error: () => undefined };

beforeAll(async () => {
    svc = await startSyncService();
    drive = (
        await svc.connectDrive({ name: 'Adele OneDrive', kind: 'onedrive' }, svc.sim.demo.users.adele.userPrincipalName)
    ).drive;
    s = await services();
    integration = (await loadIntegration(s, drive.integrationId))!;
}, 120_000);
afterAll(() => svc?.stop());
afterEach(() => {
    svc.sim.graph.clearFaults();
    svc.sim.simulator.budget.configure({ perMinute: 1_250 });
    svc.sim.simulator.budget.resetUsage();
});

/** Lets the next test through: the shared row is what every instance reads. */
async function forgetBlock(): Promise<void> {
    const table = await s.tables.get('throttle');
    await table.deleteEntity('tenant', tableKey(integration.tenantId)).catch(() => undefined);
}

const token = () => acquireGraphToken(s, integration, drive.account!.homeAccountId);
const rawGet = async (client: Client, path: string): Promise<Response> =>
    (await client.api(path).responseType(ResponseType.RAW).get()) as Response;

it("honours a Retry-After another instance's transfer received on the engine's next Graph call", async () => {
    svc.sim.graph.resetCounters();
    svc.sim.graph.addFault({ kind: 'throttle', path: '/me/drive', count: 1, retryAfterSeconds: 2 });
    // Instance B: its own gate over the same table, a transfer request that Graph throttles.
    const otherInstance = new ThrottleGate(() => s.tables.get('throttle'), 0);
    // Instance A: the sync engine's own Graph client (the default dependency).
    const engineClient = await (await defaultDeps()).graphClient(s, integration, drive);
    let engineAnswer: Response | undefined;
    const answered = await send(
        {
            tenantId: integration.tenantId,
            userAgent: 'test',
            gate: otherInstance,
            deadline: Deadline.after(60_000),
            log: quiet,
            // Called once B's 429 is in (and recorded for everyone): A's next call goes now.
            afterResponse: async () => {
                engineAnswer ??= await rawGet(engineClient, '/me/drive');
            },
        },
        `${svc.sim.simulator.graphBaseUrl}/me/drive`,
        { headers: { authorization: `Bearer ${await token()}` } },
        { retryServerErrors: true, what: 'probe' },
    );
    expect(answered.status).toBe(200);
    expect(engineAnswer?.status).toBe(200);
    // Nobody came back before the window ended: a client that ignored it would have been throttled harder.
    expect(svc.sim.graph.counters()).toMatchObject({ throttled: 1, rethrottleViolations: 0 });
}, 60_000);

it("records a 429 the engine's client meets for every instance, and gives up with a local 429 past its patience", async () => {
    svc.sim.graph.addFault({ kind: 'throttle', path: '/me/drive', count: 1, retryAfterSeconds: 30 });
    const impatient = await createGraphClient(s, integration, token, { maxWaitMs: 500 });
    const first = await rawGet(impatient, '/me/drive');
    expect(first.status).toBe(429);
    // Another instance sees the block at once, without asking Graph.
    const otherInstance = new ThrottleGate(() => s.tables.get('throttle'), 0);
    expect(await otherInstance.blockedUntil(integration.tenantId)).toBeGreaterThan(Date.now() + 20_000);
    const other = await createGraphClient(s, integration, token, { gate: otherInstance, maxWaitMs: 500 });
    const second = await rawGet(other, '/me/drive');
    expect(second.status).toBe(429);
    expect(second.headers.get('x-throttle-gate')).toBe('local');
    expect(Number(second.headers.get('retry-after'))).toBeGreaterThan(20);
    expect(svc.sim.graph.counters().rethrottleViolations).toBe(0);
    await forgetBlock();
});

it('slows requests down when RateLimit-Remaining is low, so Graph never has to throttle', async () => {
    svc.sim.simulator.budget.configure({ perMinute: 40 });
    const gate = new ThrottleGate(() => s.tables.get('throttle'), 0);
    const client = await createGraphClient(s, integration, token, { gate, maxWaitMs: 300 });
    const statuses: string[] = [];
    for (let i = 0; i < 45; i++) {
        const r = await rawGet(client, '/me/drive'); // 1 resource unit each
        statuses.push(r.headers.get('x-throttle-gate') === 'local' ? 'held' : String(r.status));
    }
    const usage = svc.sim.simulator.budget.usage().find((u) => u.appId === integration.clientId)!;
    // Graph never answered 429: the gate held requests back once the headers said the minute ran low.
    expect(usage.throttled).toBe(0);
    expect(statuses.filter((x) => x === '429')).toEqual([]);
    expect(statuses).toContain('held');
    expect(usage.minute.used).toBeLessThanOrEqual(40);
    expect(gate.pressure(integration.tenantId) ?? (await gate.blockedUntil(integration.tenantId))).toBeTruthy();
    await forgetBlock();
});
