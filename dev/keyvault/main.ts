import { startKeyVaultDouble } from './keyVaultDouble';

/**
 * `node dist/dev/keyvault/main.js [--port N]`: runs the Key Vault double until interrupted and prints
 * `{ "url": ... }` on stdout, for KEY_VAULT_URL. Clients must trust the dev CA (NODE_EXTRA_CA_CERTS).
 */
async function main(): Promise<void> {
    const vault = await startKeyVaultDouble({ port: portArgument(process.argv.slice(2)) });
    process.stdout.write(`${JSON.stringify({ url: vault.url })}\n`);
    const stop = () => void vault.stop().then(() => process.exit(0));
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
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
