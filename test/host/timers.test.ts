import type { Timer } from '@azure/functions';
import { timer, type FunctionDefinition } from '../../functions/definition';
import { functions as registry } from '../../functions/registry';
import type { LocalHost } from '../../dev/host/localHost';
import { eventually, startTestHost, testHostJson } from './hostFixture';

const calls: Record<string, Timer[]> = { yearly: [], everySecond: [], startup: [], slow: [] };
let running = 0;
let maxRunning = 0;

const testTimers: FunctionDefinition[] = [
    timer('yearly', { schedule: '0 0 0 1 1 *', handler: (t) => void calls.yearly!.push(t) }),
    timer('everySecond', { schedule: '*/1 * * * * *', handler: (t) => void calls.everySecond!.push(t) }),
    timer('startup', { schedule: '0 0 0 1 1 *', runOnStartup: true, handler: (t) => void calls.startup!.push(t) }),
    timer('slow', {
        schedule: '0 0 0 1 1 *',
        handler: async (t) => {
            running++;
            maxRunning = Math.max(maxRunning, running);
            await new Promise((r) => setTimeout(r, 300));
            calls.slow!.push(t);
            running--;
        },
    }),
    timer('failing', {
        schedule: '0 0 0 1 1 *',
        handler: () => {
            throw new Error('timer broke');
        },
    }),
];

let host: LocalHost;

beforeAll(async () => {
    ({ host } = await startTestHost({
        functions: [...registry.filter((f) => f.kind === 'http'), ...testTimers],
        hostJson: testHostJson(),
        appSettings: {},
    }));
});

afterAll(async () => {
    await host?.stop();
});

describe('local host: timers', () => {
    it('fireTimer runs the handler with the documented Timer object', async () => {
        await host.fireTimer('yearly');
        expect(calls.yearly).toHaveLength(1);
        const t = calls.yearly![0]!;
        expect(t.isPastDue).toBe(false);
        expect(t.schedule).toEqual({ adjustForDST: true });
        const nextYear = new Date().getUTCFullYear() + 1;
        expect(t.scheduleStatus.next).toBe(`${nextYear}-01-01T00:00:00.000Z`);
        expect(t.scheduleStatus.last).toBe(`${nextYear - 1}-01-01T00:00:00.000Z`);
        expect(Date.parse(t.scheduleStatus.lastUpdated)).toBeGreaterThan(Date.now() - 10_000);
    });

    it('fires on the NCRONTAB schedule (seconds field, UTC)', async () => {
        const before = calls.everySecond!.length;
        await eventually(
            () => (calls.everySecond!.length >= before + 2 ? true : undefined),
            5_000,
            'two scheduled runs',
        );
        const [a, b] = calls.everySecond!.slice(-2);
        expect(Date.parse(b!.scheduleStatus.last) - Date.parse(a!.scheduleStatus.last)).toBeGreaterThanOrEqual(1000);
    });

    it('runs a runOnStartup timer once at start-up', async () => {
        await eventually(() => (calls.startup!.length === 1 ? true : undefined), 5_000, 'the start-up run');
    });

    it('never overlaps runs of the same timer', async () => {
        await Promise.all([host.fireTimer('slow'), host.fireTimer('slow'), host.fireTimer('slow')]);
        expect(calls.slow).toHaveLength(3);
        expect(maxRunning).toBe(1);
    });

    it('rejects fireTimer with the handler error, and for an unknown timer', async () => {
        await expect(host.fireTimer('failing')).rejects.toThrow('timer broke');
        await expect(host.fireTimer('nope')).rejects.toThrow(/No timer function/);
    });

    it('fires a timer through POST /__host/timers/{name}, which requires the function key', async () => {
        const url = `${host.url}/__host/timers/yearly`;
        const before = calls.yearly!.length;
        const anonymous = await fetch(url, { method: 'POST' });
        expect(anonymous.status).toBe(401);
        expect(await anonymous.text()).toBe('');
        expect(calls.yearly).toHaveLength(before);

        const ok = await fetch(url, { method: 'POST', headers: { 'x-functions-key': host.functionKey } });
        expect(ok.status).toBe(200);
        expect(await ok.json()).toMatchObject({ function: 'yearly', status: 'succeeded' });
        expect(calls.yearly).toHaveLength(before + 1);

        const failed = await fetch(`${host.url}/__host/timers/failing?code=${encodeURIComponent(host.functionKey)}`, {
            method: 'POST',
        });
        expect(failed.status).toBe(500);
        expect(await failed.text()).not.toContain('timer broke');

        const unknown = await fetch(`${host.url}/__host/timers/nope`, {
            method: 'POST',
            headers: { 'x-functions-key': host.functionKey },
        });
        expect(unknown.status).toBe(404);
        expect(((await unknown.json()) as { message: string }).message).toMatch(/No timer function is named 'nope'/);
    });

    it('refuses to start with a schedule that is not 6-field NCRONTAB', async () => {
        await expect(
            startTestHost({
                functions: [timer('fiveFields', { schedule: '*/5 * * * *', handler: () => undefined })],
                hostJson: testHostJson(),
                appSettings: {},
            }),
        ).rejects.toThrow(/6-field NCRONTAB/);
    });
});
