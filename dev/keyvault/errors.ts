/**
 * Key Vault's error responses: `{ "error": { "code", "message", "innererror"? } }`, which the SDK turns
 * into a RestError with `statusCode`, `code` and `details.error.innerError`. Messages are Key Vault's own
 * text where it is on record (service responses captured in azure-sdk-for-js test recordings and in
 * issue threads); the few marked [inferred] were not found verbatim and follow the same style.
 */
export interface KeyVaultErrorBody {
    error: { code: string; message: string; innererror?: { code: string } };
}

export class KeyVaultError extends Error {
    constructor(
        readonly status: number,
        readonly code: string,
        message: string,
        readonly innerCode?: string,
    ) {
        super(message);
        this.name = 'KeyVaultError';
    }

    toBody(): KeyVaultErrorBody {
        const body: KeyVaultErrorBody = { error: { code: this.code, message: this.message } };
        if (this.innerCode) body.error.innererror = { code: this.innerCode };
        return body;
    }
}

const RECOVERY_HELP =
    'If you recently deleted this secret you may be able to recover it using the correct recovery command. ' +
    'For help resolving this issue, please see https://go.microsoft.com/fwlink/?linkid=2125182';

/** A live secret (or one of its versions) that does not exist; `nameOrId` is `name` or `name/version`. */
export function secretNotFound(nameOrId: string): KeyVaultError {
    return new KeyVaultError(
        404,
        'SecretNotFound',
        `A secret with (name/id) ${nameOrId} was not found in this key vault. ${RECOVERY_HELP}`,
    );
}

/** GET, recover or purge under /deletedsecrets for a name that is not in the deleted state. */
export function deletedSecretNotFound(name: string): KeyVaultError {
    return new KeyVaultError(404, 'SecretNotFound', `Deleted Secret not found: ${name}`);
}

export function secretDisabled(): KeyVaultError {
    return new KeyVaultError(403, 'Forbidden', 'Operation get is not allowed on a disabled secret.', 'SecretDisabled');
}

export function deletedButRecoverable(name: string): KeyVaultError {
    return new KeyVaultError(
        409,
        'Conflict',
        `Secret ${name} is currently in a deleted but recoverable state, and its name cannot be reused; ` +
            'in this state, the secret can only be recovered or purged.',
        'ObjectIsDeletedButRecoverable',
    );
}

export function invalidName(name: string): KeyVaultError {
    return new KeyVaultError(400, 'BadParameter', `The request URI contains an invalid name: ${name}`);
}

export function secretTooLarge(maxCharacters: number): KeyVaultError {
    return new KeyVaultError(
        400,
        'BadParameter',
        `Secret is beyond the maximum permitted length of ${maxCharacters} characters.`,
        'SecretTooLarge',
    );
}

export function unsupportedApiVersion(requested: string, latest: string): KeyVaultError {
    return new KeyVaultError(
        400,
        'BadParameter',
        `The specified version (${requested}) is not recognized. Consider using the latest supported version (${latest}).`,
    );
}

/** [inferred] */
export function missingApiVersion(): KeyVaultError {
    return new KeyVaultError(400, 'BadParameter', "The 'api-version' query parameter is missing or empty.");
}

/** [inferred] A body or query parameter that is absent, malformed or out of range. */
export function badParameter(message: string): KeyVaultError {
    return new KeyVaultError(400, 'BadParameter', message);
}

export function missingBearerToken(): KeyVaultError {
    return new KeyVaultError(401, 'Unauthorized', 'AKV10000: Request is missing a Bearer or PoP token.');
}
