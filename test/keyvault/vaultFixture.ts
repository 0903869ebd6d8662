import type { AccessToken, GetTokenOptions, TokenCredential } from '@azure/core-auth';
import { SecretClient } from '@azure/keyvault-secrets';
import { request } from 'node:https';
import path from 'node:path';
import { DevCertificates, ensureDevCertificates } from '../../dev/tls/devCertificates';
import { KeyVaultDouble, KeyVaultDoubleOptions, startKeyVaultDouble } from '../../dev/keyvault/keyVaultDouble';

/** A TokenCredential that returns a fixed token and remembers what the SDK asked it for. */
export class FixedTokenCredential implements TokenCredential {
    readonly requests: { scopes: string[]; tenantId?: string }[] = [];

    async getToken(scopes: string | string[], options?: GetTokenOptions): Promise<AccessToken> {
        this.requests.push({ scopes: [scopes].flat(), tenantId: options?.tenantId });
        return { token: 'fixed-test-token', expiresOnTimestamp: Date.now() + 3_600_000 };
    }
}

/** A clock the test moves by hand; the double reads it for created/updated/deleted/purge dates. */
export class ManualClock {
    constructor(public nowMs: number) {}
    readonly now = (): number => this.nowMs;
    advanceDays(days: number): void {
        this.nowMs += days * 86_400_000;
    }
}

/**
 * The certificates whose CA runTests put in NODE_EXTRA_CA_CERTS (the repository's .local/tls).
 * Passed explicitly because ensureDevCertificates()'s default folder is relative to its own file, and
 * under jest that file runs from dev/tls rather than dist/dev/tls, one level higher (see the report).
 */
export function trustedDevCertificates(): DevCertificates {
    return ensureDevCertificates(process.env.DEV_TLS_DIR ?? path.resolve(__dirname, '../../.local/tls'));
}

/** The double, serving a certificate this test process trusts. */
export function startTrustedVault(options: KeyVaultDoubleOptions = {}): Promise<KeyVaultDouble> {
    return startKeyVaultDouble({ tls: trustedDevCertificates(), ...options });
}

export interface VaultFixture {
    vault: KeyVaultDouble;
    client: SecretClient;
    credential: FixedTokenCredential;
    clock: ManualClock;
}

export const TENANT_ID = '6f1c2b9e-3d4a-4c5b-8e7f-0a1b2c3d4e5f';

/** One double per suite with its own clock, and the real SecretClient pointed at it. */
export async function startVaultFixture(): Promise<VaultFixture> {
    const clock = new ManualClock(Date.UTC(2030, 0, 15, 9, 30, 0));
    const vault = await startTrustedVault({ now: clock.now, tenantId: TENANT_ID });
    const credential = new FixedTokenCredential();
    const client = new SecretClient(vault.url, credential, {
        disableChallengeResourceVerification: true,
        retryOptions: { maxRetries: 0 },
    });
    return { vault, client, credential, clock };
}

export interface RawResponse {
    status: number;
    headers: Record<string, string | string[] | undefined>;
    json: unknown;
}

/** A plain HTTPS request, for what the SDK hides: the challenge, missing api-version, raw bodies. */
export function rawRequest(
    url: string,
    init: { method?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<RawResponse> {
    const { caPem } = trustedDevCertificates();
    return new Promise((resolve, reject) => {
        const req = request(url, { method: init.method ?? 'GET', headers: init.headers, ca: caPem }, (res) => {
            const chunks: Buffer[] = [];
            res.on('data', (c: Buffer) => chunks.push(c));
            res.on('end', () => {
                const text = Buffer.concat(chunks).toString('utf8');
                resolve({
                    status: res.statusCode ?? 0,
                    headers: res.headers,
                    json: text ? (JSON.parse(text) as unknown) : undefined,
                });
            });
        });
        req.on('error', reject);
        req.end(init.body);
    });
}

/** Collects every item of a paged listing, and how many pages the SDK fetched to get them. */
export async function allPages<T>(pages: AsyncIterableIterator<T[]>): Promise<{ items: T[]; pageCount: number }> {
    const items: T[] = [];
    let pageCount = 0;
    for await (const page of pages) {
        pageCount++;
        items.push(...page);
    }
    return { items, pageCount };
}

/** The RestError the SDK throws, reduced to what Key Vault sent. */
export async function restErrorOf(
    promise: Promise<unknown>,
): Promise<{ statusCode?: number; code?: string; message: string; innerCode?: string }> {
    try {
        await promise;
    } catch (e) {
        const err = e as {
            statusCode?: number;
            code?: string;
            message: string;
            details?: { error?: { innerError?: { code?: string } } };
        };
        return {
            statusCode: err.statusCode,
            code: err.code,
            message: err.message,
            innerCode: err.details?.error?.innerError?.code,
        };
    }
    throw new Error('expected the call to fail');
}
