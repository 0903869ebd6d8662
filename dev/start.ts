import { spawn } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { startAzurite } from './azurite/azurite';
import { startKeyVaultDouble } from './keyvault/keyVaultDouble';
import { startDemoSimulator } from './m365/demoSimulator';
import { ensureDevCertificates } from './tls/devCertificates';
import { projectRoot } from './tools/paths';

/**
 * `npm start`: everything on one machine, no Microsoft account needed. Azurite (data under
 * .local/azurite), the Key Vault double (its vault under .local/keyvault, so the integration's secret
 * survives a restart just as Azurite's tables do), the Microsoft 365 simulator with its demo tenant,
 * then the local Functions host on http://localhost:7071 as a child process that trusts the dev CA.
 * Ctrl-C stops everything it started; deleting .local/azurite and .local/keyvault resets the state.
 */
const root = projectRoot();
const PORTS = { host: 7071, simulator: 8443, vault: 8444, blob: 10000, queue: 10001, table: 10002 };

async function main(): Promise<void> {
    const tls = ensureDevCertificates();
    const settingsFile = path.join(root, 'local.settings.json');
    if (!existsSync(settingsFile)) {
        copyFileSync(path.join(root, 'local.settings.example.json'), settingsFile);
        console.log('Created local.settings.json from local.settings.example.json.');
    }
    const dataDir = path.join(root, '.local', 'azurite');
    mkdirSync(dataDir, { recursive: true });
    const azurite = await startAzurite({
        location: dataDir,
        ports: { blob: PORTS.blob, queue: PORTS.queue, table: PORTS.table },
    }).catch((e: Error) => {
        throw new Error(
            `${e.message}\nHint: is another Azurite already using ports 10000-10002? Stop it, or stop this one with Ctrl-C first.`,
        );
    });
    // Beside Azurite's data: Table Storage keeps the integration, the vault keeps its secret (issue 20).
    const vault = await startKeyVaultDouble({ port: PORTS.vault, tls, dataDir: path.join(root, '.local', 'keyvault') });
    const sim = await startDemoSimulator({ port: PORTS.simulator, tls });

    const host = spawn(process.execPath, [path.join(__dirname, 'host', 'main.js'), '--port', String(PORTS.host)], {
        cwd: root,
        stdio: 'inherit',
        env: {
            ...process.env,
            NODE_EXTRA_CA_CERTS: tls.caPath,
            SyncStorage: azurite.connectionString,
            AzureWebJobsStorage: azurite.connectionString,
            KEY_VAULT_URL: vault.url,
            M365_AUTHORITY_HOST: sim.simulator.authorityHost,
            M365_GRAPH_BASE_URL: sim.simulator.graphBaseUrl,
            M365_TRUSTED_HOSTS: new URL(sim.simulator.baseUrl).host,
        },
    });

    console.log(
        [
            '',
            'Local environment',
            `  Azurite (Blob/Queue/Table)  ${azurite.blobEndpoint} ${azurite.queueEndpoint} ${azurite.tableEndpoint}`,
            `  Key Vault double            ${vault.url}  (vault kept in .local/keyvault)`,
            `  Microsoft 365 simulator     ${sim.simulator.baseUrl}  (control API ${sim.simulator.controlUrl})`,
            `  Dev CA                      ${tls.caPath}`,
            '',
            'Demo tenant (configure the service with these):',
            `  tenantId ${sim.demo.tenantId}   clientId ${sim.demo.clientId}`,
            `  clientSecret ${sim.demo.clientSecret}   expires ${sim.demo.clientSecretExpiresOn}`,
            `  users: ${sim.users.join(', ')}`,
            '',
        ].join('\n'),
    );

    let stopping = false;
    const stop = async (code: number) => {
        if (stopping) return;
        stopping = true;
        host.kill('SIGTERM');
        await Promise.allSettled([sim.stop(), vault.stop(), azurite.stop()]);
        process.exit(code);
    };
    host.on('exit', (code) => void stop(code ?? 0));
    process.once('SIGINT', () => void stop(0));
    process.once('SIGTERM', () => void stop(0));
}

main().catch((e: unknown) => {
    console.error(`npm start failed: ${(e as Error).message}`);
    process.exit(1);
});
