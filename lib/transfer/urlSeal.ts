import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';
import { cacheKeyProvider } from '../auth/accessToken';
import type { Services } from '../runtime/services';

/**
 * An upload URL lets whoever holds it write the file, so checkpoints keep it sealed (AES-256-GCM)
 * under a key derived (HKDF, its own label) from the service's Key Vault data key, with the
 * transfer id as associated data: a sealed URL copied to another row does not open.
 */
const LABEL = 'transfer-upload-url/v1';

async function keyFor(services: Services): Promise<Buffer> {
    const root = await cacheKeyProvider(services).getKey();
    return Buffer.from(hkdfSync('sha256', root, Buffer.alloc(0), LABEL, 32));
}

export async function sealUrl(services: Services, transferId: string, url: string): Promise<string> {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', await keyFor(services), iv);
    cipher.setAAD(Buffer.from(transferId, 'utf8'));
    const body = Buffer.concat([cipher.update(url, 'utf8'), cipher.final()]);
    return Buffer.concat([iv, body, cipher.getAuthTag()]).toString('base64');
}

/** The URL, or undefined when the seal does not open (other key, other row): start a new session. */
export async function openUrl(services: Services, transferId: string, sealed: string): Promise<string | undefined> {
    try {
        const raw = Buffer.from(sealed, 'base64');
        const decipher = createDecipheriv('aes-256-gcm', await keyFor(services), raw.subarray(0, 12));
        decipher.setAAD(Buffer.from(transferId, 'utf8'));
        decipher.setAuthTag(raw.subarray(raw.length - 16));
        return Buffer.concat([decipher.update(raw.subarray(12, raw.length - 16)), decipher.final()]).toString('utf8');
    } catch {
        return undefined;
    }
}
