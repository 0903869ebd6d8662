import { timer, type FunctionDefinition } from '../../functions/definition';
import type { LocalHost } from '../../dev/host/localHost';
import { azuriteConnectionString, uniqueSuffix } from '../support/uniqueNames';
import { eventually, startTestHost, testHostJson } from './hostFixture';

/**
 * The timers' storage lock (dev/host/timers/timerLock.ts): two hosts on one storage account and host id
 * run a schedule on one of them only, as the instances of a scaled-out app do; when that one stops, the
 * other takes the schedule over. A host with another host id runs its own.
 */
const fired: { host: string; at: number }[] = [];

function hostFunctions(name: string): FunctionDefinition[] {
    return [
        timer('tick', { schedule: '*/1 * * * * *', handler: () => void fired.push({ host: name, at: Date.now() }) }),
    ];
}

const hosts: LocalHost[] = [];

async function start(name: string, hostId: string): Promise<LocalHost> {
    const { host } = await startTestHost({
        functions: hostFunctions(name),
        hostJson: testHostJson(),
        appSettings: { AzureWebJobsStorage: azuriteConnectionString(), AzureFunctionsWebHost__hostid: hostId },
        timerLock: { leaseSeconds: 15, recoveryPollSeconds: 1 },
    });
    hosts.push(host);
    return host;
}

afterAll(async () => {
    await Promise.all(hosts.map((h) => h.stop()));
});

it('runs each schedule on one host of an app; another takes over when it stops; another app runs its own', async () => {
    const app = `lock-${uniqueSuffix()}`;
    const a = await start('a', app);
    const b = await start('b', app);
    await eventually(() => (fired.length >= 4 ? true : undefined), 20_000, 'four ticks');
    const holder = a.scheduledTimers().length ? a : b;
    const other = holder === a ? b : a;
    expect(holder.scheduledTimers()).toEqual(['tick']);
    expect(other.scheduledTimers()).toEqual([]);
    expect(new Set(fired.map((f) => f.host)).size).toBe(1);

    // The holder stops (and releases its lease): the other host runs the schedule from then on.
    const first = fired[0]!.host;
    await holder.stop();
    const stoppedAt = Date.now();
    await eventually(() => (other.scheduledTimers().length ? true : undefined), 10_000, 'the takeover');
    await eventually(
        () => (fired.some((f) => f.at > stoppedAt && f.host !== first) ? true : undefined),
        10_000,
        'a tick on the other host',
    );
    expect(fired.filter((f) => f.at > stoppedAt + 100).every((f) => f.host !== first)).toBe(true);

    // Another app (host id) on the same storage has a lock of its own.
    const c = await start('c', `other-${uniqueSuffix()}`);
    await eventually(() => (fired.some((f) => f.host === 'c') ? true : undefined), 10_000, 'the other app ticking');
    expect(c.scheduledTimers()).toEqual(['tick']);
}, 60_000);
