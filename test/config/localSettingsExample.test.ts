import { readFileSync } from 'node:fs';
import path from 'node:path';
import { loadConfig } from '../../lib/config/config';
import { settings } from '../../lib/config/settings';

/** Settings the Functions platform reads itself; the service's table does not own them. */
const PLATFORM_SETTINGS = ['FUNCTIONS_WORKER_RUNTIME', 'AzureWebJobsStorage'];

describe('local.settings.example.json', () => {
    const example = JSON.parse(readFileSync(path.join(__dirname, '../../local.settings.example.json'), 'utf8')) as {
        Values: Record<string, string>;
    };

    it('documents exactly the settings the configuration module reads', () => {
        const documented = Object.keys(example.Values)
            .filter((k) => !PLATFORM_SETTINGS.includes(k))
            .sort();
        expect(documented).toEqual(Object.keys(settings).sort());
    });

    it('is a valid local configuration as it stands', () => {
        const config = loadConfig(example.Values);
        expect(config.credential.kind).toBe('dev');
        expect(config.keyVault.url).toBe('https://localhost:8444');
    });
});
