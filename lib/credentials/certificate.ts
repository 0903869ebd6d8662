import { createPrivateKey, KeyObject, X509Certificate } from 'node:crypto';

/** What the service reads from a certificate credential (PEM certificate + its private key). */
export interface ParsedCertificate {
    thumbprintSha256: string;
    thumbprint: string;
    subject: string;
    notBefore: Date;
    notAfter: Date;
    /** PKCS#8 PEM, whatever form was uploaded (PKCS#1 RSA keys included). */
    privateKeyPem: string;
    certificatePem: string;
}

export type CertificateProblem = { field: 'certificatePem' | 'privateKeyPem'; code: string; message: string };

/** Parses and cross-checks the pair; returns a problem instead of throwing on bad input. */
export function parseCertificatePair(
    certificatePem: string,
    privateKeyPem: string,
    now: number,
): ParsedCertificate | CertificateProblem {
    let x509: X509Certificate;
    try {
        x509 = new X509Certificate(certificatePem);
    } catch {
        return {
            field: 'certificatePem',
            code: 'certificate_invalid',
            message: 'Not a PEM certificate (-----BEGIN CERTIFICATE-----).',
        };
    }
    let key: KeyObject;
    try {
        key = createPrivateKey(privateKeyPem);
    } catch {
        return { field: 'privateKeyPem', code: 'private_key_invalid', message: 'Not an unencrypted PEM private key.' };
    }
    if (!x509.checkPrivateKey(key))
        return {
            field: 'privateKeyPem',
            code: 'private_key_mismatch',
            message: 'The private key does not belong to this certificate.',
        };
    const notAfter = new Date(x509.validTo);
    if (notAfter.getTime() <= now)
        return {
            field: 'certificatePem',
            code: 'certificate_expired',
            message: `The certificate expired on ${notAfter.toISOString()}.`,
        };
    return {
        thumbprintSha256: x509.fingerprint256.replace(/:/g, '').toUpperCase(),
        thumbprint: x509.fingerprint.replace(/:/g, '').toUpperCase(),
        subject: x509.subject.replace(/\n/g, ', '),
        notBefore: new Date(x509.validFrom),
        notAfter,
        privateKeyPem: key.export({ type: 'pkcs8', format: 'pem' }).toString(),
        certificatePem: x509.toString(),
    };
}

/** One Key Vault secret holds both, as a PEM bundle (contentType application/x-pem-file). */
export function pemBundle(parsed: Pick<ParsedCertificate, 'privateKeyPem' | 'certificatePem'>): string {
    return `${parsed.privateKeyPem.trim()}\n${parsed.certificatePem.trim()}\n`;
}

export function splitPemBundle(bundle: string): { privateKeyPem: string; certificatePem: string } {
    const key = bundle.match(
        /-----BEGIN (?:RSA |EC )?PRIVATE KEY-----[\s\S]+?-----END (?:RSA |EC )?PRIVATE KEY-----/,
    )?.[0];
    const cert = bundle.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/)?.[0];
    if (!key || !cert) throw new Error('The stored certificate bundle lacks its private key or certificate.');
    return { privateKeyPem: key, certificatePem: cert };
}
