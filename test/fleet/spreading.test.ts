import { parseSchedule } from '../../dev/host/timers/ncrontab';
import { functions } from '../../functions/registry';
import { dueSlots, HEALTH_WORK, SLOT_MINUTES, slotAt, SLOTS_PER_HOUR } from '../../lib/drives/healthSlots';
import type { DriveRecord } from '../../lib/drives/driveRecord';
import type { IntegrationRecord } from '../../lib/integration/integrationRepository';
import { renewalDue, RENEWAL_WORK } from '../../lib/notifications/renewal';
import { dailySlot, hourlySlot } from '../../lib/notifications/spread';
import { sweepDrives, SWEEP_WORK } from '../../lib/notifications/sweep';
import type { DriveNotifications } from '../../lib/notifications/subscriptionRecords';
import { getServices } from '../../lib/runtime/services';
import { scheduleDueDrives } from '../../lib/sync/engine';
import { isDue, tickBudget } from '../../lib/sync/engine/scheduler';
import type { ScheduleEntry } from '../../lib/sync/engine/schedule';
import { startServiceEnvironment, type ServiceEnvironment } from '../support/serviceEnvironment';

/**
 * The defaults a large tenant lives with (issue 22): the scheduler's fan-out is paced, the daily sweep
 * and the subscription renewals are spread over the day, the hourly health check over the hour, and a drive whose notifications are active
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

describe('the hourly health check, spread over the hour (driveHealth timer)', () => {
    const SLOT_MS = SLOT_MINUTES * 60_000;
    const ids = Array.from({ length: 10_000 }, (_, i) => `drv_${i.toString(36)}`);
    const slotOf = new Map(ids.map((id) => [id, hourlySlot(id, HEALTH_WORK, SLOTS_PER_HOUR)]));

    /**
     * The timer's runs from slot `start` on, as healthSweep.ts does them: each checks the drives of
     * dueSlots(now, checkpoint) and then moves the checkpoint; a run in `killed` dies before the end
     * (worst case: having checked nothing). Returns the slots in which each drive was checked.
     */
    function runs(start: number, count: number, killed = new Set<number>()): Map<string, number[]> {
        const checks = new Map<string, number[]>(ids.map((id) => [id, []]));
        let done: number | undefined = start - 1;
        for (let slot = start; slot < start + count; slot++) {
            if (killed.has(slot)) continue;
            const due = dueSlots(slot * SLOT_MS + 1_500, done);
            for (const id of ids) if (due.has(slotOf.get(id)!)) checks.get(id)!.push(slot);
            done = slot;
        }
        return checks;
    }
    const gaps = (slots: number[]) => slots.slice(1).map((s, i) => s - slots[i]!);

    it('is a registered timer running every 5 minutes, on the slot boundaries', () => {
        const registered = functions.find((f) => f.name === 'driveHealth');
        if (registered?.kind !== 'timer') throw new Error('driveHealth is not a registered timer');
        const schedule = parseSchedule(registered.options.schedule, 'driveHealth');
        const hour = Date.parse('2030-06-01T10:00:00.000Z');
        let at = new Date(hour - 1);
        const fired: number[] = [];
        for (let i = 0; i < SLOTS_PER_HOUR + 1; i++) fired.push((at = schedule.next(at)).getTime());
        expect(fired).toEqual(Array.from({ length: SLOTS_PER_HOUR + 1 }, (_, i) => hour + i * SLOT_MS));
        expect(fired.map(slotAt).map((s) => s % SLOTS_PER_HOUR)).toEqual([...Array(SLOTS_PER_HOUR).keys(), 0]);
    });

    it('an hour of runs checks each of 10,000 drives exactly once, about 833 a run; every hour again', () => {
        // From any minute of the hour: 10:35 here.
        const start = slotAt(Date.parse('2030-06-01T10:35:00.000Z'));
        const hour = runs(start, SLOTS_PER_HOUR);
        expect([...hour.values()].every((slots) => slots.length === 1)).toBe(true);
        const perRun = new Array<number>(SLOTS_PER_HOUR).fill(0);
        for (const [slot] of hour.values()) perRun[slot! - start]!++;
        for (const n of perRun)
            expect(Math.abs(n - 10_000 / SLOTS_PER_HOUR)).toBeLessThan(0.15 * (10_000 / SLOTS_PER_HOUR));
        const threeHours = runs(start, 3 * SLOTS_PER_HOUR);
        expect(
            [...threeHours.values()].every(
                (slots) => slots.length === 3 && gaps(slots).every((g) => g === SLOTS_PER_HOUR),
            ),
        ).toBe(true);
    });

    it('a killed run leaves its slot to the next run: no drive waits more than an hour plus the runs that died', () => {
        const start = slotAt(Date.parse('2030-06-01T10:00:00.000Z'));
        // One run dies, later three in a row.
        const killed = new Set([start + 15, start + 30, start + 31, start + 32]);
        const checks = runs(start, 5 * SLOTS_PER_HOUR, killed);
        const all = [...checks.values()];
        expect(all.every((slots) => slots.length >= 4)).toBe(true);
        expect(Math.max(...all.flatMap(gaps))).toBe(SLOTS_PER_HOUR + 3);
        // The drives of the single killed slot were checked by the very next run, 5 minutes late.
        const ofKilled = ids.filter((id) => slotOf.get(id) === (start + 15) % SLOTS_PER_HOUR);
        expect(ofKilled.length).toBeGreaterThan(0);
        for (const id of ofKilled) expect(checks.get(id)).toContain(start + 16);
        // Nobody else was checked twice within an hour but for the catch-up.
        const early = all.flatMap(gaps).filter((g) => g < SLOTS_PER_HOUR - 3);
        expect(early).toEqual([]);
    });

    it('the first run checks only its own slot; after an outage of hours, one run checks the whole hour once', () => {
        const now = Date.parse('2030-06-01T10:42:00.000Z');
        expect([...dueSlots(now, undefined)]).toEqual([8]);
        const afterOutage = dueSlots(now, slotAt(now) - 3 * SLOTS_PER_HOUR);
        expect([...afterOutage].sort((a, b) => a - b)).toEqual([...Array(SLOTS_PER_HOUR).keys()]);
        expect(dueSlots(now, slotAt(now)).size).toBe(0);
    });
});
