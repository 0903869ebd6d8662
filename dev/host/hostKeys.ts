import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { generateFunctionKey } from './http/functionKey';

export interface StoredHostKeys {
    /** The master key (Azure's `_master`): management routes, and everything else. */
    masterKey: string;
    /** The platform key (a named host key `platform` on Azure): platform routes only. */
    platformKey: string;
}

/**
 * The local host's keys, kept in `.local/host-keys.json` (git-ignored, like the dev CA) so scripts and
 * the platform's dev configuration keep working across restarts. A file from before the two keys
 * (`{ functionKey }`) keeps that key as the master key, so existing management scripts still work.
 */
export function loadOrCreateHostKeys(path: string): StoredHostKeys {
    const stored = existsSync(path)
        ? (JSON.parse(readFileSync(path, 'utf8')) as {
              masterKey?: unknown;
              platformKey?: unknown;
              functionKey?: unknown;
          })
        : {};
    const usable = (v: unknown): v is string => typeof v === 'string' && v.length >= 16;
    const keys: StoredHostKeys = {
        masterKey: usable(stored.masterKey)
            ? stored.masterKey
            : usable(stored.functionKey)
              ? stored.functionKey
              : generateFunctionKey(),
        platformKey: usable(stored.platformKey) ? stored.platformKey : generateFunctionKey(),
    };
    if (keys.masterKey !== stored.masterKey || keys.platformKey !== stored.platformKey) {
        mkdirSync(dirname(path), { recursive: true });
        writeFileSync(path, `${JSON.stringify(keys, null, 4)}\n`, { mode: 0o600 });
    }
    return keys;
}
