import { createHash, generateKeyPairSync, type KeyObject } from 'node:crypto';
import forge from 'node-forge';

/**
 * The key Entra signs id and access tokens with, published at /discovery/v2.0/keys with a self-signed
 * certificate (x5c) as Entra publishes its own. One per simulator process: tokens never outlive it.
 */
export interface SigningKey {
    kid: string;
    privateKey: KeyObject;
    publicKey: KeyObject;
    jwk: Jwk;
}

export interface Jwk {
    kty: 'RSA';
    use: 'sig';
    kid: string;
    x5t: string;
    n: string;
    e: string;
    x5c: string[];
    issuer: string;
}

export function createSigningKey(issuerTemplate: string): SigningKey {
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const certificateDer = selfSignedCertificate(privateKey, publicKey);
    const x5t = createHash('sha1').update(certificateDer).digest('base64url');
    const { n, e } = publicKey.export({ format: 'jwk' }) as { n: string; e: string };
    return {
        kid: x5t,
        privateKey,
        publicKey,
        jwk: {
            kty: 'RSA',
            use: 'sig',
            kid: x5t,
            x5t,
            n,
            e,
            x5c: [certificateDer.toString('base64')],
            issuer: issuerTemplate,
        },
    };
}

function selfSignedCertificate(privateKey: KeyObject, publicKey: KeyObject): Buffer {
    const cert = forge.pki.createCertificate();
    cert.publicKey = forge.pki.publicKeyFromPem(publicKey.export({ type: 'spki', format: 'pem' }).toString());
    cert.serialNumber = '01';
    // Entra's signing certificates are long-lived; the validity here is informational only.
    cert.validity.notBefore = new Date(Date.UTC(2024, 0, 1));
    cert.validity.notAfter = new Date(Date.UTC(2034, 0, 1));
    const name = [{ name: 'commonName', value: 'accounts.accesscontrol.windows.net' }];
    cert.setSubject(name);
    cert.setIssuer(name);
    cert.sign(
        forge.pki.privateKeyFromPem(privateKey.export({ type: 'pkcs1', format: 'pem' }).toString()),
        forge.md.sha256.create(),
    );
    return Buffer.from(forge.asn1.toDer(forge.pki.certificateToAsn1(cert)).getBytes(), 'binary');
}
