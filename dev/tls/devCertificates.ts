import { X509Certificate, generateKeyPairSync, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import forge from 'node-forge';
import { projectRoot } from '../tools/paths';

/**
 * A local certificate authority and a `localhost` server certificate for the simulators. MSAL needs an
 * https authority and SecretClient refuses bearer tokens over http, so the doubles speak HTTPS; clients
 * trust the CA through NODE_EXTRA_CA_CERTS=<caPath>. Generated once per folder and reused, so a CA path
 * given to a process stays valid across restarts.
 *
 * The server certificate also names Microsoft's hosts (MICROSOFT_HOST_NAMES): third-party Graph clients
 * (rclone, the OneDrive client for Linux) reach the simulator unmodified through dev/peers/microsoftProxy,
 * which tunnels those names to it, and check the certificate against the name they asked for.
 */
export interface DevCertificates {
    caPath: string;
    caPem: string;
    certPem: string;
    keyPem: string;
}

/** `.local/tls` at the project root, whether this file runs from dev/ (jest) or dist/dev/ (node). */
export const DEFAULT_TLS_DIR = path.join(projectRoot(__dirname), '.local', 'tls');

/** Names the simulator answers as, besides localhost, when a client comes through the Microsoft proxy. */
export const MICROSOFT_HOST_NAMES = ['graph.microsoft.com', 'login.microsoftonline.com', '*.sharepoint.com'] as const;
const SERVER_DNS_NAMES = ['localhost', ...MICROSOFT_HOST_NAMES];

export function ensureDevCertificates(dir: string = process.env.DEV_TLS_DIR ?? DEFAULT_TLS_DIR): DevCertificates {
    const caPath = path.join(dir, 'ca.pem');
    const certPath = path.join(dir, 'server.pem');
    const keyPath = path.join(dir, 'server-key.pem');
    const caKeyPath = path.join(dir, 'ca-key.pem');
    const complete = [caPath, certPath, keyPath].every(existsSync);
    if (!complete || !coversAllNames(readFileSync(certPath, 'utf8'))) {
        mkdirSync(dir, { recursive: true });
        // A set from before the Microsoft names were added is reissued: under the same CA when its key was
        // kept (so a browser that trusts it keeps trusting it), else as a new CA (older sets kept no CA key).
        const ca = complete && existsSync(caKeyPath) ? loadCa(caPath, caKeyPath) : newCa();
        const server = issueServerCertificate(ca);
        // Keys first, CA last: a reader that sees ca.pem sees a complete set.
        writeFileSync(caKeyPath, forge.pki.privateKeyToPem(ca.key), { mode: 0o600 });
        writeFileSync(keyPath, server.keyPem, { mode: 0o600 });
        writeFileSync(certPath, server.certPem);
        writeFileSync(caPath, forge.pki.certificateToPem(ca.cert));
    }
    return {
        caPath,
        caPem: readFileSync(caPath, 'utf8'),
        certPem: readFileSync(certPath, 'utf8'),
        keyPem: readFileSync(keyPath, 'utf8'),
    };
}

function newKeyPair(): forge.pki.rsa.KeyPair {
    // Node's native generator is ~100x faster than forge's pure-JS one.
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const forgeKey = forge.pki.privateKeyFromPem(
        privateKey.export({ type: 'pkcs1', format: 'pem' }).toString(),
    ) as forge.pki.rsa.PrivateKey;
    return { privateKey: forgeKey, publicKey: forge.pki.setRsaPublicKey(forgeKey.n, forgeKey.e) };
}

interface CertificateAuthority {
    cert: forge.pki.Certificate;
    key: forge.pki.rsa.PrivateKey;
}

const CA_NAME = [{ name: 'commonName', value: 'SharePoint Sync local development CA' }];

function coversAllNames(certPem: string): boolean {
    const names = (new X509Certificate(certPem).subjectAltName ?? '').split(', ');
    return SERVER_DNS_NAMES.every((name) => names.includes(`DNS:${name}`));
}

function loadCa(caPath: string, caKeyPath: string): CertificateAuthority {
    return {
        cert: forge.pki.certificateFromPem(readFileSync(caPath, 'utf8')),
        key: forge.pki.privateKeyFromPem(readFileSync(caKeyPath, 'utf8')) as forge.pki.rsa.PrivateKey,
    };
}

function newCa(): CertificateAuthority {
    const caKeys = newKeyPair();
    const ca = forge.pki.createCertificate();
    ca.publicKey = caKeys.publicKey;
    ca.serialNumber = serial();
    ca.validity.notBefore = new Date(Date.now() - 86_400_000);
    ca.validity.notAfter = new Date(Date.now() + 10 * 365 * 86_400_000);
    ca.setSubject(CA_NAME);
    ca.setIssuer(CA_NAME);
    ca.setExtensions([
        { name: 'basicConstraints', cA: true, critical: true },
        { name: 'keyUsage', keyCertSign: true, cRLSign: true, critical: true },
        { name: 'subjectKeyIdentifier' },
    ]);
    ca.sign(caKeys.privateKey, forge.md.sha256.create());
    return { cert: ca, key: caKeys.privateKey };
}

function issueServerCertificate(ca: CertificateAuthority): { certPem: string; keyPem: string } {
    const serverKeys = newKeyPair();
    const cert = forge.pki.createCertificate();
    cert.publicKey = serverKeys.publicKey;
    cert.serialNumber = serial();
    cert.validity.notBefore = new Date(Date.now() - 86_400_000);
    cert.validity.notAfter = new Date(Date.now() + 2 * 365 * 86_400_000);
    cert.setSubject([{ name: 'commonName', value: 'localhost' }]);
    cert.setIssuer(ca.cert.subject.attributes);
    cert.setExtensions([
        { name: 'basicConstraints', cA: false },
        { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
        { name: 'extKeyUsage', serverAuth: true },
        {
            name: 'subjectAltName',
            altNames: [
                ...SERVER_DNS_NAMES.map((value) => ({ type: 2, value })),
                { type: 7, ip: '127.0.0.1' },
                { type: 7, ip: '::1' },
            ],
        },
    ]);
    cert.sign(ca.key, forge.md.sha256.create());
    return { certPem: forge.pki.certificateToPem(cert), keyPem: forge.pki.privateKeyToPem(serverKeys.privateKey) };
}

function serial(): string {
    // Positive, 16 bytes: the high bit cleared so DER does not read it as negative.
    const bytes = randomBytes(16);
    bytes[0] = bytes[0]! & 0x7f;
    return bytes.toString('hex');
}
