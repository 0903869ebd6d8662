/**
 * Removes credentials from anything about to be logged or returned: bearer tokens, JWTs, client
 * secrets, OAuth codes and PKCE verifiers, refresh tokens, SAS signatures, account keys, and the
 * pre-authenticated upload/download URLs (whoever holds one can read or write the file).
 */

const REDACTED = '[redacted]';

/** Object keys whose values are always secret, whatever they look like. */
const SECRET_KEYS = new Set(
    [
        'authorization',
        'cookie',
        'set-cookie',
        'clientsecret',
        'client_secret',
        'secret',
        'secretvalue',
        'password',
        'access_token',
        'accesstoken',
        'refresh_token',
        'refreshtoken',
        'id_token',
        'idtoken',
        'code',
        'code_verifier',
        'codeverifier',
        'client_assertion',
        'privatekeypem',
        'privatekey',
        'uploadurl',
        'downloadurl',
        '@microsoft.graph.downloadurl',
        'clientstate',
        'validationtoken',
        'connectionstring',
        'value',
    ].map((k) => k.toLowerCase()),
);

const TEXT_PATTERNS: [RegExp, string][] = [
    [/\b(Bearer|Basic)\s+[A-Za-z0-9\-._~+/]+=*/gi, `$1 ${REDACTED}`],
    [/\beyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]*/g, REDACTED],
    [/\b(AccountKey|SharedAccessSignature|SharedAccessKey)=[^;\s"']+/gi, `$1=${REDACTED}`],
    // Query parameters that carry credentials (SAS sig, tempauth on upload/download URLs, OAuth).
    [
        /([?&](?:sig|tempauth|token|code|code_verifier|client_secret|client_assertion|refresh_token|access_token|state)=)[^&\s"'#]+/gi,
        `$1${REDACTED}`,
    ],
];

export function redactText(text: string): string {
    return TEXT_PATTERNS.reduce((acc, [pattern, replacement]) => acc.replace(pattern, replacement), text);
}

/**
 * Deep copy with secrets removed. `value` counts as secret only inside objects that also have a
 * `name`/`id` (Key Vault bundles); elsewhere it is ordinary data, so it is text-redacted instead.
 */
export function redact<T>(input: T, depth = 0): T {
    if (depth > 12) return REDACTED as unknown as T;
    if (typeof input === 'string') return redactText(input) as unknown as T;
    if (Array.isArray(input)) return input.map((v) => redact(v, depth + 1)) as unknown as T;
    if (input instanceof Error) return { name: input.name, message: redactText(input.message) } as unknown as T;
    if (input && typeof input === 'object') {
        const out: Record<string, unknown> = {};
        const obj = input as Record<string, unknown>;
        const isSecretBundle = 'value' in obj && ('id' in obj || 'name' in obj) && typeof obj.value === 'string';
        for (const [k, v] of Object.entries(obj)) {
            const key = k.toLowerCase();
            const secret = SECRET_KEYS.has(key) && (key !== 'value' || isSecretBundle);
            out[k] = secret && v !== undefined && v !== null && v !== '' ? REDACTED : redact(v, depth + 1);
        }
        return out as T;
    }
    return input;
}
