/**
 * One instance of a fleet (fleet.ts): the local host with the service's registered functions in a
 * process of its own, so it has its own memory (lookup caches, throttle gates, queue clients, MSAL's
 * in-memory state) like an Azure instance. App settings come from the environment; what the fleet
 * decides per run comes as JSON in FLEET_HOST_OPTIONS. Prints `FLEET_HOST_READY <url>` once it serves.
 *
 *   FLEET_HOST_OPTIONS='{"hostJson":{...}}' node dist/dev/fleet/hostProcess.js
 */
import { ConfigError, loadConfig } from '../../lib/config/config';
import type { FunctionDefinition } from '../../functions/definition';
import { startLocalHost } from '../host/localHost';
import { parseHostOptions, READY_LINE, type FleetHostOptions } from './hostOptions';

async function main(): Promise<void> {
    const options = parseHostOptions(process.env.FLEET_HOST_OPTIONS);
    try {
        loadConfig();
    } catch (e) {
        if (!(e instanceof ConfigError)) throw e;
        console.error(e.message);
        process.exit(1);
    }
    // Imported after the settings are checked: function modules may read configuration when loaded.
    const { functions } = await import('../../functions/registry');
    const host = await startLocalHost({
        functions: functions.map((f) => withSchedule(f, options)),
        hostJson: options.hostJson,
        port: 0,
        functionKey: options.functionKey,
        platformKey: options.platformKey,
        queueLeaseSeconds: options.queueLeaseSeconds,
        timerLock: options.timerLock,
        log: (line) => process.stdout.write(`${line}\n`),
    });
    process.stdout.write(`${READY_LINE} ${host.url}\n`);
    const stop = () => {
        host.stop().then(
            () => process.exit(0),
            () => process.exit(1),
        );
    };
    process.once('SIGTERM', stop);
    process.once('SIGINT', stop);
}

/** A schedule the fleet overrides (a faster scheduler in a test); `null` means never on its own. */
function withSchedule(f: FunctionDefinition, options: FleetHostOptions): FunctionDefinition {
    if (f.kind !== 'timer' || !options.schedules || !(f.name in options.schedules)) return f;
    const schedule = options.schedules[f.name] ?? '0 0 0 1 1 *';
    return { ...f, options: { ...f.options, schedule } };
}

main().catch((e: unknown) => {
    console.error(e instanceof Error ? e.message : e);
    process.exit(1);
});
