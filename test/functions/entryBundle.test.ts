import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { functions as registry } from '../../functions/registry';

/**
 * The Azure entry point is bundled at build time (tools/bundleEntry.ts). This loads the built file
 * in a fresh process, as the Functions host would, with `app.*` recorded instead of skipped, and checks
 * that it registers exactly the registry's functions and that a lazily imported handler still works.
 */
const entry = path.join(__dirname, '../../dist/functions/index.js');

const probe = `
const functions = require('@azure/functions');
const seen = [];
for (const kind of ['http', 'timer', 'storageQueue']) functions.app[kind] = (name, options) => seen.push({ kind, name, options });
functions.app.setup = () => {};
require(${JSON.stringify(entry)});
const health = seen.find((f) => f.name === 'healthDetails').options.handler;
health(new functions.HttpRequest({ method: 'GET', url: 'http://localhost/api/health/details', headers: { 'x-functions-key': 'k' } }), new functions.InvocationContext({ logHandler: () => {} }))
    .then((res) => process.stdout.write(JSON.stringify({ names: seen.map((f) => f.kind + ':' + f.name), healthStatus: res.status, dependencies: Object.keys(res.jsonBody.dependencies) })));
`;

const describeBuilt = existsSync(entry) ? describe : describe.skip;

describeBuilt('the built Functions entry point (dist/functions/index.js)', () => {
    it('registers every function of the registry and its handlers load their modules lazily', () => {
        const out = execFileSync(process.execPath, ['-e', probe], {
            encoding: 'utf8',
            env: {
                ...process.env,
                // Valid configuration pointing nowhere: the health check reports failures, it does not throw.
                SyncStorage:
                    'DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=a2V5;BlobEndpoint=http://127.0.0.1:9/devstoreaccount1;QueueEndpoint=http://127.0.0.1:9/devstoreaccount1;TableEndpoint=http://127.0.0.1:9/devstoreaccount1;',
                KEY_VAULT_URL: 'https://127.0.0.1:9',
                PUBLIC_BASE_URL: 'http://localhost:7071',
                AZURE_CREDENTIAL: 'dev',
            },
            timeout: 60_000,
        });
        const result = JSON.parse(out.slice(out.indexOf('{'))) as {
            names: string[];
            healthStatus: number;
            dependencies: string[];
        };
        const kinds: Record<string, string> = { http: 'http', timer: 'timer', queue: 'storageQueue' };
        expect(result.names.sort()).toEqual(registry.map((f) => `${kinds[f.kind]}:${f.name}`).sort());
        expect(result.healthStatus).toBe(503);
        expect(result.dependencies.sort()).toEqual(['blob', 'keyVault', 'queue', 'table']);
    });
});
