import type { Config } from '../config/config';

/** The national clouds an integration can live in, with their Entra and Graph endpoints. */
export type CloudName = 'global' | 'usgov' | 'china';

export interface CloudEndpoints {
    /** Entra authority host, e.g. https://login.microsoftonline.com */
    authorityHost: string;
    /** Graph base URL including the version, e.g. https://graph.microsoft.com/v1.0 */
    graphBaseUrl: string;
    /** The Graph resource for `.default` scopes and token audiences. */
    graphResource: string;
}

const CLOUDS: Record<CloudName, CloudEndpoints> = {
    global: {
        authorityHost: 'https://login.microsoftonline.com',
        graphBaseUrl: 'https://graph.microsoft.com/v1.0',
        graphResource: 'https://graph.microsoft.com',
    },
    usgov: {
        authorityHost: 'https://login.microsoftonline.us',
        graphBaseUrl: 'https://graph.microsoft.us/v1.0',
        graphResource: 'https://graph.microsoft.us',
    },
    china: {
        authorityHost: 'https://login.chinacloudapi.cn',
        graphBaseUrl: 'https://microsoftgraph.chinacloudapi.cn/v1.0',
        graphResource: 'https://microsoftgraph.chinacloudapi.cn',
    },
};

export const CLOUD_NAMES = Object.keys(CLOUDS) as CloudName[];

/**
 * Endpoints for a cloud, with the deployment's overrides applied (locally: the simulator). Scopes keep
 * the real Graph resource, since the simulator issues tokens for that audience like Entra does.
 */
export function cloudEndpoints(
    cloud: CloudName,
    m365: Pick<Config['m365'], 'authorityHost' | 'graphBaseUrl'>,
): CloudEndpoints {
    const base = CLOUDS[cloud];
    return {
        authorityHost: m365.authorityHost ?? base.authorityHost,
        graphBaseUrl: m365.graphBaseUrl ?? base.graphBaseUrl,
        graphResource: base.graphResource,
    };
}
