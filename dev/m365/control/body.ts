import { HttpError } from '../http';

/** Field readers for control-API JSON bodies: a wrong type is a 400 that names the field. */

export type Body = Record<string, unknown>;

export function asBody(value: unknown): Body {
    if (typeof value !== 'object' || value === null || Array.isArray(value))
        throw new HttpError(400, 'BadRequest', 'The body must be a JSON object.');
    return value as Body;
}

export function optionalString(body: Body, name: string): string | undefined {
    const value = body[name];
    if (value === undefined || value === null) return undefined;
    if (typeof value !== 'string') throw badField(name, 'a string');
    return value;
}

export function requiredString(body: Body, name: string): string {
    const value = optionalString(body, name);
    if (value === undefined || value === '') throw badField(name, 'a non-empty string');
    return value;
}

export function optionalBoolean(body: Body, name: string): boolean | undefined {
    const value = body[name];
    if (value === undefined || value === null) return undefined;
    if (typeof value !== 'boolean') throw badField(name, 'true or false');
    return value;
}

export function optionalStrings(body: Body, name: string): string[] | undefined {
    const value = body[name];
    if (value === undefined || value === null) return undefined;
    if (!Array.isArray(value) || !value.every((v) => typeof v === 'string'))
        throw badField(name, 'an array of strings');
    return value as string[];
}

/** A time given as epoch ms or an ISO date string. */
export function optionalTime(body: Body, name: string): number | undefined {
    const value = body[name];
    if (value === undefined || value === null) return undefined;
    const ms = typeof value === 'number' ? value : typeof value === 'string' ? Date.parse(value) : NaN;
    if (!Number.isFinite(ms)) throw badField(name, 'epoch milliseconds or an ISO 8601 date');
    return ms;
}

export function optionalNumber(body: Body, name: string): number | undefined {
    const value = body[name];
    if (value === undefined || value === null) return undefined;
    if (typeof value !== 'number' || !Number.isFinite(value)) throw badField(name, 'a number');
    return value;
}

function badField(name: string, expected: string): HttpError {
    return new HttpError(400, 'BadRequest', `'${name}' must be ${expected}.`);
}
