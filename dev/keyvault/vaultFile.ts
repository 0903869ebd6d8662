import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { VaultSnapshot } from './secretStore';

/**
 * The double's vault on disk (`npm start` keeps it in .local/keyvault, beside Azurite's data), so a
 * restart keeps every secret, version, attribute and soft-deleted secret, as a real vault does. The
 * file holds demo secret values in clear: it is a development double's store, under the git-ignored
 * .local/, readable by its owner only. Written whole on every change (write, then rename: a crash
 * leaves the previous vault, never half of one).
 */
const FILE = 'vault.json';
const FORMAT = 1;

export function loadVault(dataDir: string): VaultSnapshot | undefined {
    const file = path.join(dataDir, FILE);
    if (!existsSync(file)) return undefined;
    const parsed = JSON.parse(readFileSync(file, 'utf8')) as { format?: number } & Partial<VaultSnapshot>;
    if (parsed.format !== FORMAT)
        throw new Error(`${file} is not a Key Vault double store (format ${FORMAT}); move it away to start empty.`);
    return { live: parsed.live ?? [], deleted: parsed.deleted ?? [] };
}

export function saveVault(dataDir: string, snapshot: VaultSnapshot): void {
    mkdirSync(dataDir, { recursive: true });
    const file = path.join(dataDir, FILE);
    const temporary = `${file}.${process.pid}.tmp`;
    writeFileSync(temporary, JSON.stringify({ format: FORMAT, ...snapshot }), { mode: 0o600 });
    renameSync(temporary, file);
}
