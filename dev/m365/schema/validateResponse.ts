import { checkAnnotation, isAnnotationKey } from './annotations';
import type { TypeRef } from './csdlTypes';
import { describe } from './edmPrimitives';
import { validateGraphError } from './errorShape';
import { targetFromContext } from './odataContext';
import { expectationForRoute, type BodyExpectation } from './resolveRoute';
import { graphSchema, type SchemaIndex } from './schemaIndex';
import { issue, type ValidationIssue } from './validationIssue';
import { shortName, validateValue, type ValidateOptions, type ValidationContext } from './validateValue';

/** What the simulator's `GraphDeps.observeResponse` hook receives. */
export interface ObservedResponse {
    method: string;
    /** Request path, e.g. `/v1.0/drives/b!x/items/01AB/children?$top=2`, or a full URL. */
    path: string;
    status: number;
    body: unknown;
}

/**
 * Validates a response body against Graph v1.0. Errors (status >= 400) must have Graph's error
 * shape. Otherwise the type comes from `@odata.context` when present (and must agree with the
 * route), else from the route. Collections must be `{ value: [...] }` plus `@odata.*` annotations.
 */
export function validateGraphResponse(observed: ObservedResponse, options: ValidateOptions = {}): ValidationIssue[] {
    const { method, path, status, body } = observed;
    if (body === undefined || body === null || body === '') return [];
    if (status >= 400) return validateGraphError(body);
    const schema = graphSchema();
    const ctx: ValidationContext = { schema, options, issues: [] };
    const fromRoute = expectationForRoute(schema, method, path, body);
    const expected = reconcileContext(ctx, fromRoute, body);
    if (expected.kind === 'none')
        ctx.issues.push(issue('$', 'shape', `${method} ${path} should answer without a body`));
    if (expected.kind === 'unresolved') ctx.issues.push(issue('$', 'unresolved', expected.reason));
    if (expected.kind === 'json') validateBody(ctx, expected.ref, body);
    return ctx.issues;
}

/** `@odata.context`, when present, names the type; it must not contradict the route. */
function reconcileContext(ctx: ValidationContext, fromRoute: BodyExpectation, body: unknown): BodyExpectation {
    const context = (body as Record<string, unknown>)['@odata.context'];
    if (typeof context !== 'string') return fromRoute;
    const target = targetFromContext(ctx.schema, context);
    if (!target) {
        ctx.issues.push(issue('$.@odata.context', 'context', `cannot resolve ${context}`));
        return fromRoute;
    }
    if (fromRoute.kind === 'json' && !compatible(ctx.schema, fromRoute.ref, target.ref)) {
        ctx.issues.push(
            issue(
                '$.@odata.context',
                'context',
                `context says ${refName(target.ref)} but the route returns ${refName(fromRoute.ref)}`,
            ),
        );
    }
    return { kind: 'json', ref: target.ref };
}

function compatible(schema: SchemaIndex, a: TypeRef, b: TypeRef): boolean {
    return (
        a.collection === b.collection &&
        (schema.derivesFrom(a.type, b.type) || schema.derivesFrom(b.type, a.type) || a.type === b.type)
    );
}

function refName(ref: TypeRef): string {
    return ref.collection ? `Collection(${shortName(ref.type)})` : shortName(ref.type);
}

function validateBody(ctx: ValidationContext, ref: TypeRef, body: unknown): void {
    if (ref.collection) validateCollectionEnvelope(ctx, ref, body);
    else validateValue(ctx, { ...ref, nullable: false }, body, '$');
}

/** `{ value: [...], @odata.nextLink | @odata.deltaLink | @odata.count | @odata.context }`. */
function validateCollectionEnvelope(ctx: ValidationContext, ref: TypeRef, body: unknown): void {
    if (typeof body !== 'object' || body === null || Array.isArray(body) || !('value' in body)) {
        ctx.issues.push(issue('$', 'shape', `expected { value: [...] } for ${refName(ref)}, got ${describe(body)}`));
        return;
    }
    for (const [key, value] of Object.entries(body)) {
        if (key === 'value') validateValue(ctx, { ...ref, nullable: false }, value, '$.value');
        else if (isAnnotationKey(key) && key.startsWith('@'))
            ctx.issues.push(...checkAnnotation(key, value, `$.${key}`));
        else
            ctx.issues.push(
                issue(`$.${key}`, 'unknown-property', `collection responses hold only value and annotations`),
            );
    }
}
