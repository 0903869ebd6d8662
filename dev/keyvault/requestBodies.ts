import { badParameter, secretTooLarge } from './errors';
import { MAX_VALUE_CHARACTERS } from './rules';
import type { NewVersion, VersionUpdate } from './secretStore';

/**
 * Reads SecretSetParameters (PUT) and SecretUpdateParameters (PATCH) bodies:
 * `{ value, contentType?, tags?, attributes?: { enabled?, nbf?, exp? } }` with times in Unix seconds.
 * Read-only attributes a client may echo back (created, updated, recoveryLevel, ...) are ignored, as
 * the service ignores them. Messages for malformed bodies are [inferred].
 */
type Json = Record<string, unknown>;

export function readSetParameters(body: unknown): NewVersion {
    const o = object(body, 'The request body');
    if (typeof o.value !== 'string')
        throw badParameter("The request body must contain the secret 'value' as a string.");
    if (o.value.length > MAX_VALUE_CHARACTERS) throw secretTooLarge(MAX_VALUE_CHARACTERS);
    const a = o.attributes === undefined || o.attributes === null ? {} : object(o.attributes, 'attributes');
    return {
        value: o.value,
        contentType: optionalString(o.contentType, 'contentType') ?? undefined,
        tags: tags(o.tags) ?? undefined,
        enabled: optionalBoolean(a.enabled),
        notBefore: unixSeconds(a.nbf, 'nbf') ?? undefined,
        expires: unixSeconds(a.exp, 'exp') ?? undefined,
    };
}

export function readUpdateParameters(body: unknown): VersionUpdate {
    const o = body === undefined ? {} : object(body, 'The request body');
    const a = o.attributes === undefined || o.attributes === null ? {} : object(o.attributes, 'attributes');
    return {
        contentType: optionalString(o.contentType, 'contentType'),
        tags: tags(o.tags),
        enabled: optionalBoolean(a.enabled),
        notBefore: unixSeconds(a.nbf, 'nbf'),
        expires: unixSeconds(a.exp, 'exp'),
    };
}

function object(value: unknown, what: string): Json {
    if (typeof value !== 'object' || value === null || Array.isArray(value))
        throw badParameter(`${what} must be a JSON object.`);
    return value as Json;
}

function optionalString(value: unknown, field: string): string | null | undefined {
    if (value === undefined || value === null || typeof value === 'string') return value;
    throw badParameter(`The value of '${field}' must be a string.`);
}

function optionalBoolean(value: unknown): boolean | undefined {
    if (value === undefined || value === null) return undefined;
    if (typeof value === 'boolean') return value;
    throw badParameter("The value of 'enabled' must be true or false.");
}

function unixSeconds(value: unknown, field: string): number | null | undefined {
    if (value === undefined || value === null) return value;
    if (typeof value === 'number' && Number.isInteger(value)) return value;
    throw badParameter(`The value of '${field}' must be a whole number of seconds since the Unix epoch.`);
}

function tags(value: unknown): Record<string, string> | null | undefined {
    if (value === undefined || value === null) return value;
    const o = object(value, 'tags');
    for (const [name, v] of Object.entries(o)) {
        if (typeof v !== 'string') throw badParameter(`The value of tag '${name}' must be a string.`);
    }
    return { ...(o as Record<string, string>) };
}
