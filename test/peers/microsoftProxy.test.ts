import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { connect as tlsConnect } from 'node:tls';
import type { Socket } from 'node:net';
import forge from 'node-forge';
import { isTunnelledAuthority, startMicrosoftProxy, type MicrosoftProxy } from '../../dev/peers/microsoftProxy';
import { startM365Simulator, type M365Simulator } from '../../dev/m365/server';
import { ensureDevCertificates } from '../../dev/tls/devCertificates';

/** The proxy that lets unmodified Graph clients reach the simulator as Microsoft's hosts (dev/peers). */

let sim: M365Simulator;
let proxy: MicrosoftProxy;
let ca: string;

beforeAll(async () => {
    sim = await startM365Simulator({ seed: 16 });
    sim.entra.createTenant({ name: 'northwind' });
    proxy = await startMicrosoftProxy({ simulatorPort: sim.port });
    ca = readFileSync(sim.caPath, 'utf8');
});

afterAll(async () => {
    await proxy?.stop();
    await sim?.stop();
});

/** CONNECT through the proxy; resolves with the status line's code and, on 200, the tunnel's socket. */
function openTunnel(authority: string): Promise<{ status: number; socket: Socket }> {
    return new Promise((resolve, reject) => {
        const req = httpRequest({ host: '127.0.0.1', port: proxy.port, method: 'CONNECT', path: authority });
        req.on('connect', (res, socket) => resolve({ status: res.statusCode ?? 0, socket }));
        req.on('response', (res) => resolve({ status: res.statusCode ?? 0, socket: res.socket }));
        req.on('error', reject);
        req.end();
    });
}

/** GET over TLS inside a tunnel, checking the certificate against `host` and the dev CA only. */
function getThroughTunnel(socket: Socket, host: string, pathname: string): Promise<{ status: number; body: string }> {
    return new Promise((resolve, reject) => {
        const secure = tlsConnect({ socket, servername: host, ca });
        const req = httpsRequest(
            { host, path: pathname, method: 'GET', createConnection: () => secure, headers: { host } },
            (res) => {
                let body = '';
                res.setEncoding('utf8');
                res.on('data', (chunk: string) => (body += chunk));
                res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
            },
        );
        req.on('error', reject);
        req.end();
    });
}

test('a client asking for login.microsoftonline.com gets the simulator over TLS that verifies against the dev CA', async () => {
    const tunnel = await openTunnel('login.microsoftonline.com:443');
    expect(tunnel.status).toBe(200);
    const answer = await getThroughTunnel(
        tunnel.socket,
        'login.microsoftonline.com',
        '/northwind.onmicrosoft.com/v2.0/.well-known/openid-configuration',
    );
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.body)).toHaveProperty('token_endpoint');
    expect(proxy.tunnels.get('login.microsoftonline.com')).toBeGreaterThanOrEqual(1);
});

test('a SharePoint host name is tunnelled and its name verifies against the certificate', async () => {
    const tunnel = await openTunnel('contoso-my.sharepoint.com:443');
    expect(tunnel.status).toBe(200);
    // Any answer at all proves the TLS handshake checked the name against the wildcard.
    const answer = await getThroughTunnel(tunnel.socket, 'contoso-my.sharepoint.com', '/no-such-path');
    expect(answer.status).toBe(404);
});

test('hosts that are not Microsoft, other ports and plain HTTP are refused with 403', async () => {
    const github = await openTunnel('api.github.com:443');
    expect(github.status).toBe(403);
    github.socket.destroy();
    const otherPort = await openTunnel('graph.microsoft.com:8443');
    expect(otherPort.status).toBe(403);
    otherPort.socket.destroy();
    const plain = await new Promise<number>((resolve, reject) => {
        const req = httpRequest(
            { host: '127.0.0.1', port: proxy.port, path: 'http://example.com/', headers: { host: 'example.com' } },
            (res) => {
                res.resume();
                resolve(res.statusCode ?? 0);
            },
        );
        req.on('error', reject);
        req.end();
    });
    expect(plain).toBe(403);
    expect(proxy.refused).toEqual(expect.arrayContaining(['api.github.com:443', 'graph.microsoft.com:8443']));
});

test('only one label before sharepoint.com is tunnelled, as the certificate wildcard covers', () => {
    expect(isTunnelledAuthority('graph.microsoft.com:443')).toBe(true);
    expect(isTunnelledAuthority('contoso.sharepoint.com:443')).toBe(true);
    expect(isTunnelledAuthority('a.b.sharepoint.com:443')).toBe(false);
    expect(isTunnelledAuthority('evil-sharepoint.com:443')).toBe(false);
    expect(isTunnelledAuthority('graph.microsoft.com.evil.test:443')).toBe(false);
});

describe('dev certificates', () => {
    let dir: string;
    beforeEach(() => (dir = mkdtempSync(path.join(tmpdir(), 'devtls-'))));
    afterEach(() => rmSync(dir, { recursive: true, force: true }));

    test('the server certificate names localhost and the Microsoft hosts, and a reissue keeps the CA', () => {
        const first = ensureDevCertificates(dir);
        const names = new X509Certificate(first.certPem).subjectAltName;
        for (const name of ['localhost', 'graph.microsoft.com', 'login.microsoftonline.com', '*.sharepoint.com'])
            expect(names).toContain(`DNS:${name}`);
        expect(ensureDevCertificates(dir)).toEqual(first);
    });

    test('a set issued before the Microsoft names were added is reissued: under the same CA when its key was kept', () => {
        const first = ensureDevCertificates(dir);
        writeFileSync(path.join(dir, 'server.pem'), localhostOnlyCertificate());
        const second = ensureDevCertificates(dir);
        expect(new X509Certificate(second.certPem).subjectAltName).toContain('DNS:graph.microsoft.com');
        expect(second.caPem).toEqual(first.caPem);
        expect(new X509Certificate(second.certPem).checkIssued(new X509Certificate(second.caPem))).toBe(true);
    });

    test('an older set without a kept CA key gets a new CA', () => {
        const first = ensureDevCertificates(dir);
        writeFileSync(path.join(dir, 'server.pem'), localhostOnlyCertificate());
        rmSync(path.join(dir, 'ca-key.pem'));
        const second = ensureDevCertificates(dir);
        expect(new X509Certificate(second.certPem).subjectAltName).toContain('DNS:*.sharepoint.com');
        expect(second.caPem).not.toEqual(first.caPem);
        expect(new X509Certificate(second.certPem).checkIssued(new X509Certificate(second.caPem))).toBe(true);
    });
});

/** A self-signed certificate naming localhost only, as the generator issued before the Microsoft names. */
function localhostOnlyCertificate(): string {
    const keys = forge.pki.rsa.generateKeyPair(1024);
    const cert = forge.pki.createCertificate();
    cert.publicKey = keys.publicKey;
    cert.serialNumber = '01';
    cert.validity.notBefore = new Date(Date.now() - 86_400_000);
    cert.validity.notAfter = new Date(Date.now() + 86_400_000);
    cert.setSubject([{ name: 'commonName', value: 'localhost' }]);
    cert.setIssuer([{ name: 'commonName', value: 'localhost' }]);
    cert.setExtensions([{ name: 'subjectAltName', altNames: [{ type: 2, value: 'localhost' }] }]);
    cert.sign(keys.privateKey, forge.md.sha256.create());
    return forge.pki.certificateToPem(cert);
}
