import { getConfig } from '../config/config';
import { buildOpenApiDocument } from './buildDocument';
import { ROUTES } from './routes';

let cached: Record<string, unknown> | undefined;
let cachedFor: string | undefined;

/** The service's document, built once per process (per public URL). */
export function openApiDocument(): Record<string, unknown> {
    const serverUrl = getConfig().publicBaseUrl;
    if (!cached || cachedFor !== serverUrl) {
        cached = buildOpenApiDocument(ROUTES, { serverUrl });
        cachedFor = serverUrl;
    }
    return cached;
}
