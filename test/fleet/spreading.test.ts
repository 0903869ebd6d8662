import { functions } from '../../functions/registry';
import type { DriveRecord } from '../../lib/drives/driveRecord';
import type { IntegrationRecord } from '../../lib/integration/integrationRepository';
import { renewalDue, RENEWAL_WORK } from '../../lib/notifications/renewal';
import { dailySlot } from '../../lib/notifications/spread';
import { sweepDrives, SWEEP_WORK } from '../../lib/notifications/sweep';
import type { DriveNotifications } from '../../lib/notifications/subscriptionRecords';
import { getServices } from '../../lib/runtime/services';
import { scheduleDueDrives } from '../../lib/sync/engine';
import { isDue, tickBudget } from '../../lib/sync/engine/scheduler';
import type { ScheduleEntry } from '../../lib/sync/engine/schedule';
import { startServiceEnvironment, type ServiceEnvironment } from '../support/serviceEnvironment';

/**
 * The defaults a large tenant lives with (issue 22): the scheduler's fan-out is paced, the daily sweep
 * and the subscription renewals are spread over the day, and a drive whose notifications are active
 * costs no scheduled run unless the platform uploaded to it.
 */
const DRIVES = 300;
const HOUR = 3_600_000;

let env: ServiceEnvironment;

beforeAll(async () => {
    // No queue triggers: the messages stay where the fan-out put them.
    env = await startServiceEnvironment({ functions: functions.filter((f) => f.kind === 'http') });
    const s = await getServices();
    await (
        await s.tables.get('integrations')
    ).upsertEntity({ partitionKey: 'integration', rowKey: 'default', document: JSON.stringify(integration) });
    const table = await s.tables.get('drives');
    for (let i = 0; i < DRIVES; i += 50)
        await table.submitTransaction(
            Array.from({ length: Math.min(50, DRIVES - i) }, (_, k) => {
                const d = drive(i + k);
                return ['upsert', { partitionKey: 'default', rowKey: d.id, document: JSON.stringify(d) }] as const;
            }),
        );
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

function drive(i: number): DriveRecord {
    return {
        id: `drv_spread${String(i).padStart(4, '0')}`,
        integrationId: 'default',
        name: `Drive ${i}`,
        kind: 'onedrive',
        scope: 'platform',
        account: { homeAccountId: `uid${i}.utid`, username: `user${i}@contoso.example` },
        graph: { driveId: `b!drive${i}`, driveType: 'business', name: 'OneDrive' },
        status: 'connected',
        policies: { conflictPolicy: 'keep-both' },
        createdAt: '2030-01-01T00:00:00.000Z',
        updatedAt: '2030-01-01T00:00:00.000Z',
    };
}

it('paces the fan-out: after an outage every drive is due, and they are spread over the ticks, each once', async () => {
    const s = await getServices();
    const budget = tickBudget(DRIVES, 15);
    expect(budget).toBe(40);
    const seen = new Map<string, number>();
    const perTick: number[] = [];
    const t0 = Date.now();
    for (let tick = 0; tick < 10; tick++) {
        const { enqueued } = await scheduleDueDrives(s, t0 + tick * 60_000);
        perTick.push(enqueued.length);
        for (const id of enqueued) seen.set(id, (seen.get(id) ?? 0) + 1);
    }
    expect(Math.max(...perTick)).toBeLessThanOrEqual(budget);
    expect(perTick.slice(0, Math.ceil(DRIVES / budget))).toEqual(
        Array.from({ length: Math.ceil(DRIVES / budget) }, (_, i) => Math.min(budget, DRIVES - i * budget)),
    );
    expect(seen.size).toBe(DRIVES);
    expect([...seen.values()].every((n) => n === 1)).toBe(true);
}, 120_000);

it('spreads the daily sweep over the day: every drive once, in its own hour, about DRIVES/24 an hour', async () => {
    const s = await getServices();
    const midnight = Date.parse('2030-06-01T00:00:00.000Z');
    const perHour: number[] = [];
    for (let h = 0; h < 24; h++) perHour.push((await sweepDrives(s, midnight + h * HOUR + 30 * 60_000)).enqueued);
    expect(perHour.reduce((a, b) => a + b, 0)).toBe(DRIVES);
    const expected = Array.from({ length: 24 }, (_, h) =>
        Array.from({ length: DRIVES }, (_, i) => drive(i).id).filter((id) => dailySlot(id, SWEEP_WORK).hour === h),
    );
    expect(perHour).toEqual(expected.map((ids) => ids.length));
    // An even spread: no hour carries more than twice its share.
    expect(Math.max(...perHour)).toBeLessThanOrEqual((2 * DRIVES) / 24);
}, 120_000);

it('slots are even over the hours and seconds for 10,000 drives, and differ between sweep and renewal', () => {
    const hours = new Array<number>(24).fill(0);
    const quarters = new Array<number>(4).fill(0);
    let same = 0;
    for (let i = 0; i < 10_000; i++) {
        const id = `drv_${i.toString(36)}`;
        const slot = dailySlot(id, SWEEP_WORK);
        hours[slot.hour]!++;
        quarters[Math.floor(slot.second / 900)]!++;
        if (dailySlot(id, RENEWAL_WORK).hour === slot.hour) same++;
    }
    for (const n of hours) expect(Math.abs(n - 10_000 / 24)).toBeLessThan(0.15 * (10_000 / 24));
    for (const n of quarters) expect(Math.abs(n - 2_500)).toBeLessThan(250);
    expect(same).toBeLessThan(2 * (10_000 / 24));
});

it('renews each settled subscription once a day, in its hour; a missing, failing or expiring one every hour', () => {
    const now = Date.parse('2030-06-01T00:00:00.000Z');
    const active = (id: string, expiresInDays: number): DriveNotifications => ({
        driveId: id,
        integrationId: 'default',
        state: 'active',
        expiresAt: new Date(now + expiresInDays * 24 * HOUR).toISOString(),
        updatedAt: new Date(now).toISOString(),
    });
    const ids = Array.from({ length: DRIVES }, (_, i) => drive(i).id);
    const renewals = new Map<string, number>();
    for (let h = 0; h < 24; h++)
        for (const id of ids)
            if (renewalDue(id, active(id, 20), now + h * HOUR)) renewals.set(id, (renewals.get(id) ?? 0) + 1);
    expect(renewals.size).toBe(DRIVES);
    expect([...renewals.values()].every((n) => n === 1)).toBe(true);
    const off = ids[0]!;
    const hoursDue = (h: DriveNotifications | undefined) =>
        Array.from({ length: 24 }, (_, k) => renewalDue(off, h, now + k * HOUR)).filter(Boolean).length;
    expect(hoursDue(undefined)).toBe(24);
    expect(hoursDue({ ...active(off, 20), state: 'error' })).toBe(24);
    expect(hoursDue(active(off, 2))).toBe(24);
});

it('leaves a drive with active notifications to them: scheduled only for its first sync and after platform uploads', () => {
    const d = drive(0);
    const now = Date.parse('2030-06-01T12:00:00.000Z');
    const requested = new Date(now - 60 * 60_000).toISOString();
    const entry: ScheduleEntry = { driveId: d.id, integrationId: 'default', lastRequestedAt: requested };
    expect(isDue(d, entry, 15, now, false)).toBe(true);
    expect(isDue(d, entry, 15, now, true)).toBe(false);
    expect(isDue(d, undefined, 15, now, true)).toBe(true);
    const uploaded = { ...entry, platformChangedAt: new Date(now - 5 * 60_000).toISOString() };
    expect(isDue(d, uploaded, 15, now, true)).toBe(true);
    // Still at most once per interval.
    const recent = { ...uploaded, lastRequestedAt: new Date(now - 6 * 60_000).toISOString() };
    expect(isDue(d, recent, 15, now, true)).toBe(false);
});
