import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { generateFunctionKey } from './http/functionKey';

/**
 * The local host's function key, kept in `.local/host-keys.json` (git-ignored, like the dev CA) so
 * scripts and the platform's dev configuration keep working across restarts.
 */
export function loadOrCreateFunctionKey(path: string): string {
    if (existsSync(path)) {
        const stored = JSON.parse(readFileSync(path, 'utf8')) as { functionKey?: unknown };
        if (typeof stored.functionKey === 'string' && stored.functionKey.length >= 16) return stored.functionKey;
    }
    const functionKey = generateFunctionKey();
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, `${JSON.stringify({ functionKey }, null, 4)}\n`, { mode: 0o600 });
    return functionKey;
}
