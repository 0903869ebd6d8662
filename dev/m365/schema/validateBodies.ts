import { checkAnnotation, isAnnotationKey } from './annotations';
import { describe } from './edmPrimitives';
import { graphSchema } from './schemaIndex';
import { issue, type ValidationIssue } from './validationIssue';
import {
    shortName,
    validateStructured,
    validateValue,
    type ValidateOptions,
    type ValidationContext,
} from './validateValue';

/**
 * Validates one entity or complex value, e.g. `validateGraphEntity('driveItem', item)`. Type names may
 * be short (`driveItem`) or qualified (`microsoft.graph.driveItem`).
 */
export function validateGraphEntity(typeName: string, body: unknown, options: ValidateOptions = {}): ValidationIssue[] {
    const schema = graphSchema();
    const type = schema.qualify(typeName);
    if (!type || !schema.structured(type))
        return [issue('$', 'unknown-type', `${typeName} is not an entity or complex type`)];
    const ctx: ValidationContext = { schema, options, issues: [] };
    validateStructured(ctx, type, body, '$');
    return ctx.issues;
}

/**
 * Request bodies (POST .../children, PATCH an item, POST /subscriptions) follow the same rules as
 * entities; `@microsoft.graph.conflictBehavior` and friends are annotations and checked as such.
 */
export function validateGraphRequestBody(
    typeName: string,
    body: unknown,
    options: ValidateOptions = {},
): ValidationIssue[] {
    return validateGraphEntity(typeName, body, options);
}

/**
 * Validates an action's JSON parameters, e.g. `validateGraphActionBody('driveItem', 'createUploadSession',
 * { item: { '@microsoft.graph.conflictBehavior': 'replace', name: 'a.txt' } })`. Non-nullable parameters
 * are required.
 */
export function validateGraphActionBody(
    bindingType: string,
    actionName: string,
    body: unknown,
    options: ValidateOptions = {},
): ValidationIssue[] {
    const schema = graphSchema();
    const binding = schema.qualify(bindingType);
    const op = binding && schema.boundOperation(actionName, { type: binding, collection: false });
    if (!op) return [issue('$', 'unknown-type', `no action ${actionName} bound to ${bindingType}`)];
    if (typeof body !== 'object' || body === null || Array.isArray(body)) {
        return [issue('$', 'type', `expected parameters object, got ${describe(body)}`)];
    }
    const ctx: ValidationContext = { schema, options, issues: [] };
    const record = body as Record<string, unknown>;
    for (const [key, value] of Object.entries(record)) {
        const param = op.parameters.find((p) => p.name === key);
        if (param) validateValue(ctx, param, value, `$.${key}`);
        else if (isAnnotationKey(key)) ctx.issues.push(...checkAnnotation(key, value, `$.${key}`));
        else
            ctx.issues.push(
                issue(
                    `$.${key}`,
                    'unknown-property',
                    `${actionName} on ${shortName(binding)} has no parameter "${key}"`,
                ),
            );
    }
    for (const param of op.parameters) {
        if (!param.nullable && !(param.name in record))
            ctx.issues.push(issue(`$.${param.name}`, 'null', 'required parameter is missing'));
    }
    return ctx.issues;
}
