import { startKeyVaultDouble } from './keyVaultDouble';

/**
 * `node dist/dev/keyvault/main.js [--port N] [--data-dir DIR]`: runs the Key Vault double until
 * interrupted and prints `{ "url": ... }` on stdout, for KEY_VAULT_URL. With --data-dir the vault is
 * kept on disk and survives restarts. Clients must trust the dev CA (NODE_EXTRA_CA_CERTS).
 */
async function main(): Promise<void> {
    const args = process.argv.slice(2);
    const vault = await startKeyVaultDouble({ port: portArgument(args), dataDir: valueOf(args, '--data-dir') });
    process.stdout.write(`${JSON.stringify({ url: vault.url })}\n`);
    const stop = () => void vault.stop().then(() => process.exit(0));
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
}

function valueOf(args: string[], flag: string): string | undefined {
    const i = args.indexOf(flag);
    if (i === -1) return undefined;
    if (!args[i + 1]) throw new Error(`${flag} expects a value`);
    return args[i + 1];
}

function portArgument(args: string[]): number | undefined {
    const i = args.indexOf('--port');
    if (i === -1) return undefined;
    const port = Number(args[i + 1]);
    if (!Number.isInteger(port) || port < 0 || port > 65_535)
        throw new Error(`--port expects 0-65535, got ${args[i + 1]}`);
    return port;
}

main().catch((e: unknown) => {
    process.stderr.write(`${e instanceof Error ? e.message : String(e)}\n`);
    process.exit(1);
});
