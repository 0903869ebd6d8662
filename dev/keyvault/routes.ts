import { invalidName, KeyVaultError } from './errors';
import { readPageRequest, takePage } from './paging';
import { readSetParameters, readUpdateParameters } from './requestBodies';
import { assertSecretName } from './rules';
import { currentVersion, SecretStore } from './secretStore';
import { deletedSecretBundle, deletedSecretItem, secretBundle, secretItem, versionItem } from './wireFormat';

/**
 * The Secrets REST API's routes, after authentication and api-version checks. Paths follow the
 * operations @azure/keyvault-secrets sends (its generated api/operations.ts):
 *
 *   GET    /secrets                         list (no values)
 *   PUT    /secrets/{name}                  set: a new version
 *   GET    /secrets/{name}[/{version}]      get; the SDK asks for the latest as /secrets/{name}/
 *   PATCH  /secrets/{name}[/{version}]      update attributes, tags, content type
 *   GET    /secrets/{name}/versions         list versions (no values)
 *   DELETE /secrets/{name}                  soft delete
 *   GET    /deletedsecrets[/{name}]         list / get deleted
 *   POST   /deletedsecrets/{name}/recover   recover
 *   DELETE /deletedsecrets/{name}           purge
 *
 * Backup and restore are not implemented.
 */
export interface VaultRequest {
    method: string;
    /** Decoded path segments, without the empty one a trailing slash leaves. */
    segments: string[];
    query: URLSearchParams;
    apiVersion: string;
    readJson(): Promise<unknown>;
}

export interface VaultResponse {
    status: number;
    body?: unknown;
}

export interface Vault {
    url: string;
    store: SecretStore;
}

export async function handleVaultRequest(req: VaultRequest, vault: Vault): Promise<VaultResponse> {
    const [collection, name, action, ...rest] = req.segments;
    if (rest.length > 0) throw noSuchRoute();
    if (collection === 'secrets') return secretsRoute(req, vault, name, action);
    if (collection === 'deletedsecrets') return deletedSecretsRoute(req, vault, name, action);
    throw noSuchRoute();
}

async function secretsRoute(
    req: VaultRequest,
    vault: Vault,
    name: string | undefined,
    action: string | undefined,
): Promise<VaultResponse> {
    const { store, url } = vault;
    if (name === undefined) {
        allow(req, 'GET');
        return listSecrets(req, vault);
    }
    assertSecretName(name);
    if (action === 'versions' && req.method === 'GET') return listVersions(req, vault, name);
    switch (req.method) {
        case 'PUT': {
            if (action !== undefined) throw noSuchRoute();
            const { secret, version } = store.set(name, readSetParameters(await req.readJson()));
            return ok(secretBundle(url, secret, version, true));
        }
        case 'GET': {
            const { secret, version } = store.read(name, action);
            return ok(secretBundle(url, secret, version, true));
        }
        case 'PATCH': {
            const { secret, version } = store.update(name, action, readUpdateParameters(await req.readJson()));
            return ok(secretBundle(url, secret, version, false));
        }
        case 'DELETE':
            if (action !== undefined) throw noSuchRoute();
            return ok(deletedSecretBundle(url, store.delete(name)));
        default:
            throw methodNotAllowed(req.method);
    }
}

function deletedSecretsRoute(
    req: VaultRequest,
    vault: Vault,
    name: string | undefined,
    action: string | undefined,
): VaultResponse {
    const { store, url } = vault;
    if (name === undefined) {
        allow(req, 'GET');
        const page = takePage(
            store.listDeleted(),
            (d) => d.secret.name,
            readPageRequest(req.query),
            `${url}/deletedsecrets`,
            req.apiVersion,
        );
        return ok({ value: page.items.map((d) => deletedSecretItem(url, d)), nextLink: page.nextLink });
    }
    assertSecretName(name);
    if (action === 'recover') {
        allow(req, 'POST');
        const secret = store.recover(name);
        return ok(secretBundle(url, secret, currentVersion(secret), false));
    }
    if (action !== undefined) throw noSuchRoute();
    if (req.method === 'GET') return ok(deletedSecretBundle(url, store.getDeleted(name)));
    allow(req, 'DELETE');
    store.purge(name);
    return { status: 204 };
}

function listSecrets(req: VaultRequest, vault: Vault): VaultResponse {
    const page = takePage(
        vault.store.list(),
        (s) => s.name,
        readPageRequest(req.query),
        `${vault.url}/secrets`,
        req.apiVersion,
    );
    return ok({ value: page.items.map((s) => secretItem(vault.url, s)), nextLink: page.nextLink });
}

function listVersions(req: VaultRequest, vault: Vault, name: string): VaultResponse {
    const secret = vault.store.versions(name);
    const versions = secret?.versions ?? [];
    const page = takePage(
        versions,
        (v) => v.version,
        readPageRequest(req.query),
        `${vault.url}/secrets/${name}/versions`,
        req.apiVersion,
    );
    return ok({
        value: secret ? page.items.map((v) => versionItem(vault.url, secret, v)) : [],
        nextLink: page.nextLink,
    });
}

/** Splits a request path into decoded segments; a segment that cannot be decoded is an invalid name. */
export function pathSegments(pathname: string): string[] {
    const raw = pathname.split('/').slice(1);
    if (raw[raw.length - 1] === '') raw.pop();
    return raw.map((s) => {
        try {
            return decodeURIComponent(s);
        } catch {
            throw invalidName(s);
        }
    });
}

function ok(body: unknown): VaultResponse {
    return { status: 200, body };
}

function allow(req: VaultRequest, method: string): void {
    if (req.method !== method) throw methodNotAllowed(req.method);
}

/** [inferred] */
function noSuchRoute(): KeyVaultError {
    return new KeyVaultError(404, 'NotFound', 'The requested URI does not represent any resource on the server.');
}

/** [inferred] */
function methodNotAllowed(method: string): KeyVaultError {
    return new KeyVaultError(
        405,
        'MethodNotAllowed',
        `The HTTP method '${method}' is not supported for this resource.`,
    );
}
