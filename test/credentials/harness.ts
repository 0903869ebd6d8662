import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import forge from 'node-forge';
import { seedDemoTenant, type DemoTenant } from '../../dev/m365/demoTenant';
import type { AssertionVerifier } from '../../dev/m365/entra';
import { createGraphService, seedDemoContent, type GraphSimApi, type SeededContent } from '../../dev/m365/graph';
import { startM365Simulator, type M365Simulator } from '../../dev/m365/server';
import { functions as registry } from '../../functions/registry';
import type { DriveRecord } from '../../lib/drives/driveRecord';
import { getServices, type Services } from '../../lib/runtime/services';
import { completeSignIn } from '../support/browser';
import { RETURN_URL } from '../support/connectedService';
import { startServiceEnvironment, type ApiResponse, type ServiceEnvironment } from '../support/serviceEnvironment';

/** The registry plus this functions (the lead adds them to functions/registry.ts). */
export const CREDENTIAL_FUNCTIONS = registry;

/**
 * The service with the Contoso demo tenant, like test/support/connectedService, but with the
 * simulator's federated-assertion seam open (a test decides which managed-identity tokens Entra
 * accepts) and this functions registered.
 */
export interface Harness {
    env: ServiceEnvironment;
    sim: M365Simulator;
    graph: GraphSimApi;
    demo: DemoTenant;
    content: SeededContent;
    /** The test's federated identity credential check; undefined = Entra trusts no federated token. */
    federated: { verifier?: AssertionVerifier };
    services(): Promise<Services>;
    api(method: string, route: string, body?: unknown): Promise<ApiResponse>;
    configure(overrides?: Record<string, unknown>): Promise<ApiResponse>;
    connectDrive(input: { name: string; kind: 'onedrive' | 'sharepoint' }, login: string): Promise<DriveRecord>;
    selectLibrary(driveId: string, library?: 'Documents' | 'Policies'): Promise<DriveRecord>;
    health(driveId: string): Promise<DriveRecord>;
    stop(): Promise<void>;
}

export async function startHarness(settings: Record<string, string> = {}): Promise<Harness> {
    const federated: Harness['federated'] = {};
    let graph: GraphSimApi | undefined;
    const sim = await startM365Simulator({
        federatedAssertions: (app, jwt) => federated.verifier?.(app, jwt),
        graph: (deps) => {
            const service = createGraphService(deps);
            graph = service.api;
            return service;
        },
    });
    const demo = seedDemoTenant(sim.entra);
    const content = seedDemoContent(graph!, demo.tenantId, [demo.users.adele, demo.users.megan]);
    const env = await startServiceEnvironment({
        functions: CREDENTIAL_FUNCTIONS,
        settings: {
            M365_AUTHORITY_HOST: sim.authorityHost,
            M365_GRAPH_BASE_URL: sim.graphBaseUrl,
            M365_TRUSTED_HOSTS: new URL(sim.baseUrl).host,
            ...settings,
        },
    });
    const browser = { publicOrigin: env.settings.PUBLIC_BASE_URL!, serviceUrl: env.host.url };
    const api = (method: string, route: string, body?: unknown) =>
        env.api(method, route, body === undefined ? {} : { body });
    const h: Harness = {
        env,
        sim,
        graph: graph!,
        demo,
        content,
        federated,
        services: getServices,
        api,
        configure: (overrides = {}) =>
            api('PUT', '/api/manage/integration', {
                tenantId: demo.tenantId,
                clientId: demo.clientId,
                clientSecret: demo.clientSecret,
                clientSecretExpiresOn: demo.clientSecretExpiresOn,
                ...overrides,
            }),
        async connectDrive(input, login) {
            const added = await api('POST', '/api/drives', { ...input, returnUrl: RETURN_URL });
            if (added.status !== 201) throw new Error(`POST /api/drives answered ${added.status}: ${added.text}`);
            const { drive, connectUrl } = added.body as { drive: DriveRecord; connectUrl: string };
            await completeSignIn(connectUrl, login, browser);
            return (await api('GET', `/api/drives/${drive.id}`)).body as DriveRecord;
        },
        async selectLibrary(driveId, library = 'Documents') {
            const graphDriveId = library === 'Documents' ? content.documentsDriveId : content.policiesDriveId;
            const patched = await api('PATCH', `/api/drives/${driveId}`, { siteId: content.site.id, graphDriveId });
            if (patched.status !== 200) throw new Error(`PATCH answered ${patched.status}: ${patched.text}`);
            return patched.body as DriveRecord;
        },
        async health(driveId) {
            const res = await api('GET', `/api/drives/${driveId}?refresh=true`);
            if (res.status !== 200) throw new Error(`GET drive answered ${res.status}: ${res.text}`);
            return res.body as DriveRecord;
        },
        async stop() {
            await env.stop();
            await sim.stop();
        },
    };
    return h;
}

/** A self-signed certificate and its key, valid between the given times. */
export function makeCertificate(
    notBefore: Date,
    notAfter: Date,
    commonName = 'sync-service',
): { certificatePem: string; privateKeyPem: string } {
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const forgeKey = forge.pki.privateKeyFromPem(
        privateKey.export({ type: 'pkcs1', format: 'pem' }).toString(),
    ) as forge.pki.rsa.PrivateKey;
    const cert = forge.pki.createCertificate();
    cert.publicKey = forge.pki.setRsaPublicKey(forgeKey.n, forgeKey.e);
    cert.serialNumber = '0b';
    cert.validity.notBefore = notBefore;
    cert.validity.notAfter = notAfter;
    cert.setSubject([{ name: 'commonName', value: commonName }]);
    cert.setIssuer([{ name: 'commonName', value: commonName }]);
    cert.sign(forgeKey, forge.md.sha256.create());
    // PKCS#1 on purpose: what `openssl genrsa` writes; the service must accept it.
    return {
        certificatePem: forge.pki.certificateToPem(cert),
        privateKeyPem: privateKey.export({ type: 'pkcs1', format: 'pem' }).toString(),
    };
}

export function newSigningKey(): { privateKey: KeyObject; publicKey: KeyObject } {
    return generateKeyPairSync('rsa', { modulusLength: 2048 });
}

/** The platform's webhook endpoint: records every POST; answers `failNext` requests with 503 first. */
export interface WebhookReceiver {
    url: string;
    received: { headers: IncomingMessage['headers']; body: string }[];
    failNext: number;
    stop(): Promise<void>;
}

export async function startWebhookReceiver(): Promise<WebhookReceiver> {
    const receiver: WebhookReceiver = { url: '', received: [], failNext: 0, stop: async () => undefined };
    const server: Server = createServer((req, res) => {
        const chunks: Buffer[] = [];
        req.on('data', (c: Buffer) => chunks.push(c));
        req.on('end', () => {
            receiver.received.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
            if (receiver.failNext > 0) {
                receiver.failNext--;
                res.writeHead(503).end('busy');
            } else res.writeHead(204).end();
        });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    receiver.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks/sync-alerts`;
    receiver.stop = () => new Promise((resolve) => server.close(() => resolve()));
    return receiver;
}

export const DAY = 86_400_000;
