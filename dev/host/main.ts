/**
 * `npm start`: runs the service's functions on the local host (a development harness, see
 * localHost.ts) at http://127.0.0.1:7071, with local.settings.json Values as app settings.
 *
 *   node dist/dev/host/main.js [--port 7071]
 *
 * Run from the repository root (host.json, local.settings.json and .local/ are read from there).
 */
import path from 'node:path';
import { ConfigError, loadConfig } from '../../lib/config/config';
import { readHostJson } from './hostJson';
import { loadOrCreateHostKeys } from './hostKeys';
import { startLocalHost, type LocalHost } from './localHost';
import { loadLocalSettings } from './localSettings';

const DEFAULT_PORT = 7071;

async function main(): Promise<void> {
    const root = process.cwd();
    const port = parsePort(process.argv.slice(2));
    loadLocalSettings(path.join(root, 'local.settings.json'));
    try {
        loadConfig();
    } catch (e) {
        if (!(e instanceof ConfigError)) throw e;
        console.error(
            `${e.message}\nSet them in local.settings.json (Values) or the environment; see local.settings.example.json.`,
        );
        process.exit(1);
    }
    // Imported after the settings are in place: function modules may read configuration when loaded.
    const { functions } = await import('../../functions/registry');
    const keys = loadOrCreateHostKeys(path.join(root, '.local', 'host-keys.json'));
    const host = await startLocalHost({
        functions,
        hostJson: readHostJson(path.join(root, 'host.json')),
        port,
        functionKey: keys.masterKey,
        platformKey: keys.platformKey,
    });
    printBanner(host);
    stopOnSignals(host);
}

function parsePort(args: string[]): number {
    const i = args.indexOf('--port');
    if (i < 0) return DEFAULT_PORT;
    const port = Number(args[i + 1]);
    if (!Number.isInteger(port) || port < 0 || port > 65535) {
        console.error(`--port expects a port number, got '${args[i + 1] ?? ''}'.`);
        process.exit(1);
    }
    return port;
}

function printBanner(host: LocalHost): void {
    const { routes, timers, queues } = host.describe();
    const lines = [
        `Local Functions host (development harness) listening on ${host.url}`,
        'Keys (header x-functions-key or ?code=; stored in .local/host-keys.json), as on Azure:',
        `  Master (management) key: ${host.functionKey}`,
        '    /api/manage/..., /manage (the admin console) and everything else; Azure: the _master host key',
        `  Platform key:            ${host.platformKey}`,
        "    the platform's routes (/api/drives/..., /api/openapi.json); refused on management routes; Azure: host key 'platform'",
        '',
        'HTTP routes:',
        ...orNone(
            routes.map((r) => `  ${r.name}: [${r.methods.join(',')}] ${host.url}${r.path}${keyNote(r.authLevel)}`),
        ),
        'Timers (run one now: curl -X POST -H "x-functions-key: <master key>" ' + `${host.url}/__host/timers/<name>):`,
        ...orNone(timers.map((t) => `  ${t.name}: next ${t.next?.toISOString() ?? '-'}`)),
        'Queues:',
        ...orNone(queues.map((q) => `  ${q.name}: ${q.queue} (poison: ${q.queue}-poison)`)),
    ];
    console.log(lines.join('\n'));
}

function keyNote(authLevel: string): string {
    if (authLevel === 'admin') return '  (master key)';
    return authLevel === 'anonymous' ? '' : '  (platform or master key)';
}

function orNone(lines: string[]): string[] {
    return lines.length > 0 ? lines : ['  (none)'];
}

function stopOnSignals(host: LocalHost): void {
    const stop = (signal: string) => {
        console.log(`${signal}: stopping (waiting for running invocations)…`);
        host.stop().then(
            () => process.exit(0),
            (e: unknown) => {
                console.error(e);
                process.exit(1);
            },
        );
    };
    process.once('SIGINT', () => stop('SIGINT'));
    process.once('SIGTERM', () => stop('SIGTERM'));
}

main().catch((e: unknown) => {
    console.error(e instanceof Error ? e.message : e);
    process.exit(1);
});
