import { existsSync, readFileSync } from 'node:fs';

/**
 * Copies local.settings.json `Values` into the environment, as Core Tools does: a variable already
 * set wins, so `SETTING=x npm start` overrides the file. Returns the names it set.
 */
export function loadLocalSettings(path: string, env: NodeJS.ProcessEnv = process.env): string[] {
    if (!existsSync(path)) return [];
    const parsed = JSON.parse(readFileSync(path, 'utf8')) as { Values?: Record<string, unknown> };
    const applied: string[] = [];
    for (const [name, value] of Object.entries(parsed.Values ?? {})) {
        if (env[name] !== undefined || value === null || value === undefined) continue;
        env[name] = String(value);
        applied.push(name);
    }
    return applied;
}
