import { restStatus } from '../storage/restError';
import { randomBytes } from 'node:crypto';
import type { SecretClient } from '@azure/keyvault-secrets';

/** The Key Vault secret holding the HMAC key the platform verifies alert webhooks with. */
export const WEBHOOK_SIGNING_KEY_SECRET = 'alert-webhook-signing-key';

const keys = new WeakMap<SecretClient, Promise<string>>();

/**
 * The signing key, created on first use (32 random bytes, base64url). Two instances creating it at
 * once would write two versions; both then re-read the latest, so they sign with the same one.
 * Cached per process: rotating the key means writing a new version and restarting the app.
 */
export function webhookSigningKey(vault: SecretClient): Promise<string> {
    let key = keys.get(vault);
    if (!key) {
        key = readOrCreate(vault);
        key.catch(() => keys.delete(vault));
        keys.set(vault, key);
    }
    return key;
}

async function readOrCreate(vault: SecretClient): Promise<string> {
    const existing = await readLatest(vault);
    if (existing) return existing;
    await vault.setSecret(WEBHOOK_SIGNING_KEY_SECRET, randomBytes(32).toString('base64url'), {
        contentType: 'text/plain',
        tags: { kind: 'webhook-signing-key', purpose: 'HMAC-SHA256 of timestamp.body of alert webhooks (x-signature)' },
    });
    const created = await readLatest(vault);
    if (!created) throw new Error(`Key Vault did not return ${WEBHOOK_SIGNING_KEY_SECRET} after creating it.`);
    return created;
}

async function readLatest(vault: SecretClient): Promise<string | undefined> {
    try {
        return (await vault.getSecret(WEBHOOK_SIGNING_KEY_SECRET)).value;
    } catch (e) {
        if (restStatus(e) === 404) return undefined;
        throw e;
    }
}
