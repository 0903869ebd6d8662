import type { HttpRequest } from '@azure/functions';
import { z, type ZodObject, type ZodType } from 'zod';
import { validate } from './requestBody';

/**
 * Query parameters, validated like bodies: each route's parameters are one zod object that the
 * handler parses with `readQuery` and the API description lists (lib/openapi/routes), so a value
 * outside the document (`?refresh=yes`, `?limit=0`) is a 400 `validation_failed` naming the field,
 * never silently read as a default. Parameters the route does not know are ignored (the host's
 * `code` key, cache busters).
 */
export type QuerySchema = ZodObject<Record<string, ZodType>>;

export interface QueryDescription<S extends QuerySchema = QuerySchema> {
    schema: S;
    /** One line per parameter, for the API description. */
    describe: { [K in keyof S['shape']]: string };
}

export function describeQuery<S extends QuerySchema>(
    schema: S,
    describe: QueryDescription<S>['describe'],
): QueryDescription<S> {
    return { schema, describe };
}

export function readQuery<S extends QuerySchema>(request: HttpRequest, query: QueryDescription<S>): z.output<S> {
    const values: Record<string, string> = {};
    for (const name of Object.keys(query.schema.shape)) {
        const value = request.query.get(name);
        if (value !== null) values[name] = value;
    }
    return validate(query.schema, values) as z.output<S>;
}

/** `true` / `false` (anything else is refused); absent means false. */
export const flagQuery = () =>
    z
        .enum(['true', 'false'])
        .optional()
        .transform((v) => v === 'true');

/** A decimal integer in [min, max]; absent means `fallback`. Described to clients as an integer. */
export const intQuery = (min: number, max: number, fallback: number) =>
    z
        .string()
        .regex(/^-?\d+$/, 'Expected a decimal integer.')
        .transform(Number)
        .pipe(z.int().min(min).max(max))
        .optional()
        .transform((v) => v ?? fallback)
        .meta({ type: 'integer', minimum: min, maximum: max });

/** Free text, bounded so it cannot become a cost (`q`, `search`, tokens). */
export const textQuery = (maxLength = 2048) => z.string().max(maxLength).optional();
