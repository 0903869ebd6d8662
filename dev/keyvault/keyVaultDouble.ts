import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer, Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { DevCertificates, ensureDevCertificates } from '../tls/devCertificates';
import {
    accessDenied,
    type AccessDenial,
    DEFAULT_PRINCIPAL_OBJECT_ID,
    deniedBy,
    type VaultIdentity,
} from './accessControl';
import { readApiVersion } from './apiVersion';
import { challengeHeader, hasBearerToken } from './challenge';
import { badParameter, KeyVaultError, missingBearerToken } from './errors';
import { handleVaultRequest, pathSegments, Vault } from './routes';
import { SecretStore } from './secretStore';
import { loadVault, saveVault } from './vaultFile';

/**
 * A local stand-in for one Azure Key Vault, serving the Secrets REST API over HTTPS so the real,
 * unmodified SecretClient works against it (configured with disableChallengeResourceVerification,
 * because the vault is not under *.vault.azure.net). State is in memory, and on disk too with
 * `dataDir` (a restarted double keeps its secrets). See routes.ts for the operations and errors.ts for
 * where the error texts come from.
 */
export interface KeyVaultDouble {
    /** `https://localhost:PORT`: the vault URL, and the prefix of every secret id it returns. */
    url: string;
    /** Fault switches: what an operator's change to the vault's access, or a network fault, does. */
    faults: {
        /** Takes the caller's data-plane access away (its role assignment or access policy removed). */
        denyAccess(options?: Partial<AccessDenial>): void;
        /** Drops every connection without an answer: the vault unreachable (firewall, DNS, outage). */
        disconnect(): void;
        /** Back to normal. */
        clear(): void;
    };
    stop(): Promise<void>;
}

export interface KeyVaultDoubleOptions {
    /** 0 or absent: any free port. */
    port?: number;
    host?: string;
    tls?: DevCertificates;
    /** Epoch milliseconds; tests inject a clock to control created/updated and purge dates. */
    now?: () => number;
    /** The tenant named in the 401 challenge, which the SDK passes to getToken. */
    tenantId?: string;
    /** Keeps the vault in `<dataDir>/vault.json` and loads it from there at start. */
    dataDir?: string;
    /** The vault's name in 403 messages (default `kv-local-double`). */
    vaultName?: string;
}

export const DEFAULT_TENANT_ID = '00000000-0000-0000-0000-00000000d3f0';

/** The service accepts 25 KB values; a body far beyond that is refused before parsing. */
const MAX_BODY_BYTES = 1024 * 1024;

export async function startKeyVaultDouble(options: KeyVaultDoubleOptions = {}): Promise<KeyVaultDouble> {
    const tls = options.tls ?? ensureDevCertificates();
    const tenantId = options.tenantId ?? DEFAULT_TENANT_ID;
    const dataDir = options.dataDir;
    const store = new SecretStore(
        options.now ?? Date.now,
        dataDir ? loadVault(dataDir) : undefined,
        dataDir ? (snapshot) => saveVault(dataDir, snapshot) : undefined,
    );
    const vault: Vault = { url: '', store };
    const state: ServeState = {
        tenantId,
        identity: {
            name: options.vaultName ?? 'kv-local-double',
            location: 'local',
            subscriptionId: '00000000-0000-0000-0000-000000000000',
            resourceGroup: 'rg-local',
            tenantId,
        },
    };
    const server = createServer({ cert: tls.certPem, key: tls.keyPem }, (req, res) => {
        void serve(req, res, vault, state);
    });
    const port = await listen(server, options.port ?? 0, options.host ?? 'localhost');
    vault.url = `https://localhost:${port}`;
    return {
        url: vault.url,
        faults: {
            denyAccess: (denial = {}) => {
                state.denial = { model: 'rbac', principalObjectId: DEFAULT_PRINCIPAL_OBJECT_ID, ...denial };
            },
            disconnect: () => {
                state.disconnected = true;
            },
            clear: () => {
                state.denial = undefined;
                state.disconnected = false;
            },
        },
        stop: () => close(server),
    };
}

interface ServeState {
    tenantId: string;
    identity: VaultIdentity;
    denial?: AccessDenial;
    disconnected?: boolean;
}

async function serve(req: IncomingMessage, res: ServerResponse, vault: Vault, state: ServeState): Promise<void> {
    const { tenantId } = state;
    if (state.disconnected) {
        req.socket.destroy();
        return;
    }
    const headers = responseHeaders(req);
    try {
        if (!hasBearerToken(req.headers)) {
            // The SDK's first request is deliberately bare: this answer tells it where to get a token.
            req.resume();
            return send(
                res,
                401,
                { ...headers, 'www-authenticate': challengeHeader(tenantId) },
                missingBearerToken().toBody(),
            );
        }
        const url = new URL(req.url ?? '/', vault.url);
        // Authorization comes after authentication, before the operation: a denied caller learns nothing.
        const segments = pathSegments(url.pathname);
        if (deniedBy(state.denial, segments))
            throw accessDenied(state.denial!, state.identity, req.method ?? 'GET', segments);
        const response = await handleVaultRequest(
            {
                method: req.method ?? 'GET',
                segments,
                query: url.searchParams,
                apiVersion: readApiVersion(url.searchParams),
                readJson: () => readJson(req),
            },
            vault,
        );
        send(res, response.status, headers, response.body);
    } catch (e) {
        req.resume();
        const error =
            e instanceof KeyVaultError
                ? e
                : new KeyVaultError(500, 'InternalServerError', `Key Vault double failed: ${String(e)}`);
        send(res, error.status, headers, error.toBody());
    }
}

/** Headers every Key Vault response carries; the client request id is echoed for correlation. */
function responseHeaders(req: IncomingMessage): Record<string, string> {
    const headers: Record<string, string> = {
        'cache-control': 'no-cache',
        'x-ms-request-id': randomUUID(),
        'x-ms-keyvault-region': 'local',
        'x-ms-keyvault-service-version': 'local-double',
    };
    const clientRequestId = req.headers['x-ms-client-request-id'];
    if (typeof clientRequestId === 'string') headers['x-ms-client-request-id'] = clientRequestId;
    return headers;
}

function send(res: ServerResponse, status: number, headers: Record<string, string>, body: unknown): void {
    if (body === undefined) {
        res.writeHead(status, headers).end();
        return;
    }
    const text = JSON.stringify(body);
    res.writeHead(status, {
        ...headers,
        'content-type': 'application/json; charset=utf-8',
        'content-length': Buffer.byteLength(text),
    }).end(text);
}

async function readJson(req: IncomingMessage): Promise<unknown> {
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of req as AsyncIterable<Buffer>) {
        size += chunk.length;
        if (size > MAX_BODY_BYTES) throw badParameter('The request body is too large.');
        chunks.push(chunk);
    }
    const text = Buffer.concat(chunks).toString('utf8');
    if (text.trim() === '') return undefined;
    try {
        return JSON.parse(text) as unknown;
    } catch {
        throw badParameter('The request body is not valid JSON.');
    }
}

function listen(server: Server, port: number, host: string): Promise<number> {
    return new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, host, () => {
            server.off('error', reject);
            resolve((server.address() as AddressInfo).port);
        });
    });
}

function close(server: Server): Promise<void> {
    return new Promise((resolve, reject) => {
        server.close((e) => (e ? reject(e) : resolve()));
        server.closeAllConnections();
    });
}
