import { SettingError } from './settingParsers';
import { SettingName, settings, SettingValue } from './settings';

export { SettingError } from './settingParsers';

/** The service's typed configuration, read once from app settings (env / local.settings.json Values). */
export interface Config {
    storage: StorageConfig;
    queues: { sync: string; transfer: string };
    tablePrefix: string;
    platformContainer: string;
    keyVault: { url: string; disableChallengeResourceVerification: boolean };
    credential: { kind: 'managedidentity' | 'default' | 'dev'; managedIdentityClientId?: string };
    publicBaseUrl: string;
    platformAllowedOrigins: string[];
    platformWebhookUrl?: string;
    m365: { authorityHost?: string; graphBaseUrl?: string; trustedHosts: string[]; userAgent: string };
    transfer: { fragmentBytes: number };
    changeFeed: { retentionDays: number };
}

export type StorageConfig =
    | { kind: 'connectionString'; connectionString: string }
    | { kind: 'identity'; blobServiceUri: string; queueServiceUri: string; tableServiceUri: string; clientId?: string };

export type Env = Readonly<Record<string, string | undefined>>;

/** Reads and validates every setting; throws a {@link ConfigError} listing each problem. */
export function loadConfig(env: Env = process.env): Config {
    const errors: SettingError[] = [];
    const read = <N extends SettingName>(name: N): SettingValue<N> | undefined => {
        const s = settings[name];
        const raw =
            env[name] !== undefined && env[name] !== '' ? env[name] : s.default === 'required' ? undefined : s.default;
        if (raw === undefined) {
            if (s.default === 'required') errors.push(new SettingError(name, s.description, undefined));
            return undefined;
        }
        try {
            return s.parse(raw, name) as SettingValue<N>;
        } catch (e) {
            if (e instanceof SettingError) errors.push(e);
            else throw e;
            return undefined;
        }
    };

    const storage = readStorage(read, errors);
    const config = {
        storage,
        queues: { sync: read('SYNC_QUEUE_NAME'), transfer: read('TRANSFER_QUEUE_NAME') },
        tablePrefix: read('TABLE_PREFIX'),
        platformContainer: read('PLATFORM_CONTAINER'),
        keyVault: {
            url: read('KEY_VAULT_URL'),
            disableChallengeResourceVerification: read('KEY_VAULT_DISABLE_CHALLENGE_RESOURCE_VERIFICATION'),
        },
        credential: { kind: read('AZURE_CREDENTIAL'), managedIdentityClientId: read('AZURE_CLIENT_ID') },
        publicBaseUrl: read('PUBLIC_BASE_URL'),
        platformAllowedOrigins: read('PLATFORM_ALLOWED_ORIGINS'),
        platformWebhookUrl: read('PLATFORM_WEBHOOK_URL'),
        m365: {
            authorityHost: read('M365_AUTHORITY_HOST'),
            graphBaseUrl: read('M365_GRAPH_BASE_URL'),
            trustedHosts: read('M365_TRUSTED_HOSTS'),
            userAgent: read('GRAPH_USER_AGENT'),
        },
        transfer: { fragmentBytes: read('TRANSFER_FRAGMENT_BYTES') },
        changeFeed: { retentionDays: read('CHANGE_FEED_RETENTION_DAYS') },
    };
    if (errors.length > 0) throw new ConfigError(errors);
    // Every required value was checked above; defaults fill the rest.
    return config as Config;
}

function readStorage(
    read: <N extends SettingName>(name: N) => SettingValue<N> | undefined,
    errors: SettingError[],
): StorageConfig | undefined {
    const connectionString = read('SyncStorage');
    if (connectionString) return { kind: 'connectionString', connectionString };
    const blobServiceUri = read('SyncStorage__blobServiceUri');
    const queueServiceUri = read('SyncStorage__queueServiceUri');
    const tableServiceUri = read('SyncStorage__tableServiceUri');
    if (blobServiceUri && queueServiceUri && tableServiceUri) {
        return {
            kind: 'identity',
            blobServiceUri,
            queueServiceUri,
            tableServiceUri,
            clientId: read('SyncStorage__clientId'),
        };
    }
    errors.push(
        new SettingError(
            'SyncStorage',
            'a storage connection string, or all of SyncStorage__blobServiceUri, SyncStorage__queueServiceUri and SyncStorage__tableServiceUri',
            undefined,
        ),
    );
    return undefined;
}

export class ConfigError extends Error {
    constructor(readonly problems: SettingError[]) {
        super(`Configuration is invalid:\n${problems.map((p) => `  - ${p.message}`).join('\n')}`);
        this.name = 'ConfigError';
    }
}

let cached: Config | undefined;

/** The process-wide configuration, validated on first use. */
export function getConfig(): Config {
    cached ??= loadConfig();
    return cached;
}

/** For tests and the local host, which start services with their own settings. */
export function resetConfigForTests(): void {
    cached = undefined;
}
