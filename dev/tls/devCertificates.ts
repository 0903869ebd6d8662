import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import forge from 'node-forge';
import { projectRoot } from '../tools/paths';

/**
 * A local certificate authority and a `localhost` server certificate for the simulators. MSAL needs an
 * https authority and SecretClient refuses bearer tokens over http, so the doubles speak HTTPS; clients
 * trust the CA through NODE_EXTRA_CA_CERTS=<caPath>. Generated once per folder and reused, so a CA path
 * given to a process stays valid across restarts.
 */
export interface DevCertificates {
    caPath: string;
    caPem: string;
    certPem: string;
    keyPem: string;
}

/** `.local/tls` at the project root, whether this file runs from dev/ (jest) or dist/dev/ (node). */
export const DEFAULT_TLS_DIR = path.join(projectRoot(__dirname), '.local', 'tls');

export function ensureDevCertificates(dir: string = process.env.DEV_TLS_DIR ?? DEFAULT_TLS_DIR): DevCertificates {
    const caPath = path.join(dir, 'ca.pem');
    const certPath = path.join(dir, 'server.pem');
    const keyPath = path.join(dir, 'server-key.pem');
    if (![caPath, certPath, keyPath].every(existsSync)) {
        mkdirSync(dir, { recursive: true });
        const generated = generate();
        // Key first, CA last: a reader that sees ca.pem sees a complete set.
        writeFileSync(keyPath, generated.keyPem, { mode: 0o600 });
        writeFileSync(certPath, generated.certPem);
        writeFileSync(caPath, generated.caPem);
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

function generate(): { caPem: string; certPem: string; keyPem: string } {
    const caKeys = newKeyPair();
    const ca = forge.pki.createCertificate();
    ca.publicKey = caKeys.publicKey;
    ca.serialNumber = serial();
    ca.validity.notBefore = new Date(Date.now() - 86_400_000);
    ca.validity.notAfter = new Date(Date.now() + 10 * 365 * 86_400_000);
    const caName = [{ name: 'commonName', value: 'SharePoint Sync local development CA' }];
    ca.setSubject(caName);
    ca.setIssuer(caName);
    ca.setExtensions([
        { name: 'basicConstraints', cA: true, critical: true },
        { name: 'keyUsage', keyCertSign: true, cRLSign: true, critical: true },
        { name: 'subjectKeyIdentifier' },
    ]);
    ca.sign(caKeys.privateKey, forge.md.sha256.create());

    const serverKeys = newKeyPair();
    const cert = forge.pki.createCertificate();
    cert.publicKey = serverKeys.publicKey;
    cert.serialNumber = serial();
    cert.validity.notBefore = new Date(Date.now() - 86_400_000);
    cert.validity.notAfter = new Date(Date.now() + 2 * 365 * 86_400_000);
    cert.setSubject([{ name: 'commonName', value: 'localhost' }]);
    cert.setIssuer(caName);
    cert.setExtensions([
        { name: 'basicConstraints', cA: false },
        { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
        { name: 'extKeyUsage', serverAuth: true },
        {
            name: 'subjectAltName',
            altNames: [
                { type: 2, value: 'localhost' },
                { type: 7, ip: '127.0.0.1' },
                { type: 7, ip: '::1' },
            ],
        },
    ]);
    cert.sign(caKeys.privateKey, forge.md.sha256.create());

    return {
        caPem: forge.pki.certificateToPem(ca),
        certPem: forge.pki.certificateToPem(cert),
        keyPem: forge.pki.privateKeyToPem(serverKeys.privateKey),
    };
}

function serial(): string {
    // Positive, 16 bytes: the high bit cleared so DER does not read it as negative.
    const bytes = randomBytes(16);
    bytes[0] = bytes[0]! & 0x7f;
    return bytes.toString('hex');
}
