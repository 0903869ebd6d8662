import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { ensureDevCertificates } from '../../../../dev/tls/devCertificates';
import type {
    AuthResult,
    Directory,
    DirectoryApplication,
    DirectoryUser,
    Principal,
} from '../../../../dev/m365/contract';
import { SimulatedClock } from '../../../../dev/m365/clock';
import { createGraphService, type GraphSimApi } from '../../../../dev/m365/graph';

/**
 * A real HTTPS server around the Graph half, with a test-only authenticate(): `Bearer test-<name>`
 * maps to a Principal registered with `principal()`. The Entra half (real tokens) is tested on its own.
 */
export const TENANT = '11111111-1111-4111-8111-111111111111';
export const OTHER_TENANT = '22222222-2222-4222-8222-222222222222';
export const APP_ID = 'aaaaaaaa-0000-4000-8000-000000000001';

export const users: DirectoryUser[] = [
    {
        id: 'u-alice',
        tenantId: TENANT,
        userPrincipalName: 'alice@contoso.onmicrosoft.com',
        displayName: 'Alice Adams',
        mail: 'alice@contoso.com',
        accountEnabled: true,
    },
    {
        id: 'u-bob',
        tenantId: TENANT,
        userPrincipalName: 'bob@contoso.onmicrosoft.com',
        displayName: 'Bob Brown',
        mail: 'bob@contoso.com',
        accountEnabled: true,
    },
    {
        id: 'u-eve',
        tenantId: OTHER_TENANT,
        userPrincipalName: 'eve@fabrikam.onmicrosoft.com',
        displayName: 'Eve Evans',
        mail: 'eve@fabrikam.com',
        accountEnabled: true,
    },
];

export const DELEGATED_SCOPES = ['User.Read', 'Files.ReadWrite.All', 'Sites.ReadWrite.All', 'offline_access'];

export interface GraphResponse {
    status: number;
    headers: Headers;
    text: string;
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    json: any;
}

export interface Harness {
    baseUrl: string;
    api: GraphSimApi;
    clock: { now(): number; advance(ms: number): void };
    observed: { method: string; path: string; status: number; body: unknown }[];
    /** Registers a principal and returns its bearer token. */
    principal(name: string, p: Partial<Principal>): string;
    /** Token for a delegated user with the usual sync scopes. */
    userToken(userId: string, scopes?: string[]): string;
    request(
        method: string,
        pathOrUrl: string,
        options?: { token?: string; body?: unknown; headers?: Record<string, string> },
    ): Promise<GraphResponse>;
    close(): Promise<void>;
}

export async function startHarness(seed = 'test-seed'): Promise<Harness> {
    // The simulator's own clock: time passes in real time, tests jump ahead with advance().
    const clock = new SimulatedClock(Date.parse('2025-03-01T09:00:00Z'));
    const now = () => clock.now();
    const principals = new Map<string, Principal>();
    const apps: DirectoryApplication[] = [];
    const directory: Directory = {
        getUser: (tenantId, idOrUpn) =>
            users.find(
                (u) =>
                    u.tenantId === tenantId &&
                    (u.id === idOrUpn || u.userPrincipalName.toLowerCase() === idOrUpn.toLowerCase()),
            ),
        listUsers: (tenantId) => users.filter((u) => u.tenantId === tenantId),
        getApplication: (_tenantId, appId) => apps.find((a) => a.appId === appId),
    };
    const authenticate = (header: string | undefined): AuthResult => {
        const m = /^Bearer test-(.+)$/.exec(header ?? '');
        if (!m) return { ok: false, message: header ? 'IDX14100: JWT is not well formed.' : 'Access token is empty.' };
        const p = principals.get(m[1]);
        if (!p) return { ok: false, message: 'Invalid token.' };
        if (p.expiresAt <= now()) return { ok: false, message: 'Lifetime validation failed, the token is expired.' };
        return { ok: true, principal: p };
    };
    const observed: Harness['observed'] = [];
    const { certPem, keyPem } = ensureDevCertificates();
    let baseUrl = '';
    const server: Server = createServer({ cert: certPem, key: keyPem });
    const service = createGraphService(
        {
            clock,
            directory,
            authenticate,
            get baseUrl() {
                return baseUrl;
            },
            observeResponse: (o) => void observed.push(o),
        },
        { seed },
    );
    server.on('request', (req, res) => {
        const url = new URL(req.url ?? '/', baseUrl);
        void (async () => {
            if (await service.handle(req, res, url)) return;
            if (await service.control(req, res, url)) return;
            res.writeHead(404).end();
        })();
    });
    await new Promise<void>((resolve) => server.listen(0, 'localhost', resolve));
    baseUrl = `https://localhost:${(server.address() as AddressInfo).port}`;

    const principal = (name: string, p: Partial<Principal>): string => {
        principals.set(name, {
            tenantId: TENANT,
            appId: APP_ID,
            kind: 'delegated',
            scopes: [],
            roles: [],
            expiresAt: now() + 3600_000,
            ...p,
        });
        return `test-${name}`;
    };
    return {
        baseUrl,
        api: service.api,
        clock,
        observed,
        principal,
        userToken: (userId, scopes = DELEGATED_SCOPES) =>
            principal(`${userId}:${scopes.join(',')}`, {
                userId,
                scopes,
                tenantId: users.find((u) => u.id === userId)?.tenantId ?? TENANT,
            }),
        async request(method, pathOrUrl, options = {}) {
            const url = pathOrUrl.startsWith('http') ? pathOrUrl : `${baseUrl}${pathOrUrl}`;
            const headers: Record<string, string> = { ...options.headers };
            if (options.token) headers.authorization = `Bearer ${options.token}`;
            let body: string | Uint8Array | undefined;
            if (options.body instanceof Uint8Array || typeof options.body === 'string') body = options.body;
            else if (options.body !== undefined) {
                body = JSON.stringify(options.body);
                headers['content-type'] ??= 'application/json';
            }
            const res = await fetch(url, { method, headers, body, redirect: 'manual' });
            const text = await res.text();
            let json: unknown;
            try {
                json = text ? JSON.parse(text) : undefined;
            } catch {
                json = undefined;
            }
            return { status: res.status, headers: res.headers, text, json };
        },
        async close() {
            await service.close();
            server.closeAllConnections();
            await new Promise<void>((resolve) => server.close(() => resolve()));
        },
    };
}

/** A Documents library in an "Intranet" site where alice writes and bob reads, plus alice's OneDrive. */
export function basicWorld(h: Harness): { siteId: string; libraryId: string; oneDriveId: string } {
    const site = h.api.createSite({
        tenantId: TENANT,
        name: 'Intranet',
        members: { 'u-alice': 'write', 'u-bob': 'read' },
    });
    const library = h.api.createLibrary(site.id, 'Documents');
    const oneDrive = h.api.createOneDrive(TENANT, 'u-alice');
    return { siteId: site.id, libraryId: library.id, oneDriveId: oneDrive.id };
}
