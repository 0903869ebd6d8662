import {
    boolean,
    hostName,
    integer,
    list,
    oneOf,
    Parser,
    SettingError,
    storageName,
    tablePrefix,
    text,
    url,
} from './settingParsers';

/**
 * Every app setting the service reads: its parser, its default and what it is for. This table is the
 * single source for validation, `local.settings.example.json` and the Bicep app settings (tests
 * compare all three).
 */
export interface SettingSpec<T> {
    parse: Parser<T>;
    /** Used when the setting is absent; `undefined` means optional with no value, `required` means fail. */
    default?: string | 'required';
    description: string;
}

function spec<T>(s: SettingSpec<T>): SettingSpec<T> {
    return s;
}

export const settings = {
    SyncStorage: spec({
        parse: text,
        description:
            "Storage connection string (Blob, Queue, Table). Locally: Azurite's. On Azure leave it unset and use the identity-based SyncStorage__*ServiceUri settings.",
    }),
    SyncStorage__blobServiceUri: spec({
        parse: url(['https:', 'http:']),
        description: 'Blob endpoint for identity-based access, e.g. https://<account>.blob.core.windows.net.',
    }),
    SyncStorage__queueServiceUri: spec({
        parse: url(['https:', 'http:']),
        description: 'Queue endpoint for identity-based access.',
    }),
    SyncStorage__tableServiceUri: spec({
        parse: url(['https:', 'http:']),
        description: 'Table endpoint for identity-based access.',
    }),
    SyncStorage__credential: spec({
        parse: oneOf('managedidentity'),
        description:
            'Set to managedidentity with the *ServiceUri settings (read by the Functions host for queue triggers).',
    }),
    SyncStorage__clientId: spec({
        parse: text,
        description: 'Client id of the user-assigned managed identity used for storage.',
    }),
    SYNC_QUEUE_NAME: spec({
        parse: storageName,
        default: 'sync',
        description: 'Queue carrying one message per drive sync.',
    }),
    TRANSFER_QUEUE_NAME: spec({
        parse: storageName,
        default: 'transfer',
        description: 'Queue carrying one message per file transfer.',
    }),
    TABLE_PREFIX: spec({
        parse: tablePrefix,
        default: 'sync',
        description: 'Prefix of every table the service creates (lets several deployments share an account).',
    }),
    PLATFORM_CONTAINER: spec({
        parse: storageName,
        default: 'platform',
        description: 'Blob container of the platform store (one prefix per drive).',
    }),
    KEY_VAULT_URL: spec({
        parse: url(['https:']),
        default: 'required',
        description:
            "Key Vault holding client secrets, certificates and the token-cache key. Locally: the Key Vault double's URL.",
    }),
    KEY_VAULT_DISABLE_CHALLENGE_RESOURCE_VERIFICATION: spec({
        parse: boolean,
        default: 'false',
        description: 'Only for the local Key Vault double, whose host is not *.vault.azure.net.',
    }),
    AZURE_CREDENTIAL: spec({
        parse: oneOf('managedidentity', 'default', 'dev'),
        default: 'managedidentity',
        description:
            'How the service authenticates to Key Vault and storage: managedidentity (Azure), default (DefaultAzureCredential: az login, env vars), dev (local doubles only).',
    }),
    AZURE_CLIENT_ID: spec({ parse: text, description: 'Client id of the user-assigned managed identity (Azure).' }),
    PUBLIC_BASE_URL: spec({
        parse: url(['https:', 'http:']),
        default: 'required',
        description: "This service's public URL; the redirect URI defaults to it + /oauth2/sharepoint/callback.",
    }),
    PLATFORM_ALLOWED_ORIGINS: spec({
        parse: list(url(['https:', 'http:'])),
        default: '',
        description: 'Comma-separated origins the OAuth flow may redirect back to.',
    }),
    PLATFORM_WEBHOOK_URL: spec({
        parse: url(['https:', 'http:']),
        description: 'Optional URL that receives alerts and the change feed (CloudEvents batches) as signed POSTs.',
    }),
    CHANGE_FEED_RETENTION_DAYS: spec({
        parse: integer(1, 90),
        default: '7',
        description: 'Days the change feed keeps its events; a cursor older than that is answered 410 cursor_expired.',
    }),
    M365_AUTHORITY_HOST: spec({
        parse: url(['https:']),
        description: "Overrides the Entra authority host of the integration's cloud (the simulator locally).",
    }),
    M365_GRAPH_BASE_URL: spec({
        parse: url(['https:']),
        description: "Overrides the Graph base URL of the integration's cloud (the simulator locally).",
    }),
    M365_TRUSTED_HOSTS: spec({
        parse: list(hostName),
        default: '',
        description:
            "Extra hosts (host[:port]) allowed for pre-authenticated upload and download URLs, besides Microsoft's.",
    }),
    GRAPH_USER_AGENT: spec({
        parse: text,
        default: 'ISV|Contoso|SharePointSync/0.1.0',
        description: "User-Agent sent to Graph, in Microsoft's ISV|Company|App/Version form (throttling guidance).",
    }),
    TRANSFER_FRAGMENT_BYTES: spec({
        parse: (raw: string, name: string) => {
            const n = integer(327_680, 62_914_560)(raw, name);
            if (n % 327_680 !== 0 || n >= 62_914_560) {
                throw new SettingError(name, 'a multiple of 327680 (320 KiB) below 62914560 (60 MiB)', raw);
            }
            return n;
        },
        default: '10485760',
        description: 'Upload fragment size in bytes: a multiple of 320 KiB, under 60 MiB.',
    }),
} as const;

export type SettingName = keyof typeof settings;
export type SettingValue<N extends SettingName> = (typeof settings)[N] extends SettingSpec<infer T> ? T : never;
