import { annotatedProperty, checkAnnotation, isAnnotationKey } from './annotations';
import type { CsdlEnumType, TypeRef } from './csdlTypes';
import { checkPrimitive, describe } from './edmPrimitives';
import type { SchemaIndex } from './schemaIndex';
import { issue, type ValidationIssue } from './validationIssue';

export interface ValidateOptions {
    /**
     * Where undeclared properties are accepted, among types the CSDL declares OpenType: `true` for all
     * of them, or a list of type names. driveItem and user are open too, yet Graph's drive APIs send
     * only declared properties there, so by default only `identity` accepts extras: the real service
     * puts `email` in `createdBy.user` (docs example GET /me/drives), which the CSDL does not declare.
     */
    allowOpenTypeProperties?: boolean | readonly string[];
}

/**
 * Open types whose extra keys Graph really sends: `identity` (e.g. `email`) and `identitySet` (a
 * SharePoint library's `owner.group`, as Microsoft's drive examples show). Other open types stay
 * strict so a simulator typo is caught.
 */
export const DEFAULT_OPEN_TYPES: readonly string[] = ['identity', 'identitySet'];

/** State shared by one validation run. */
export interface ValidationContext {
    schema: SchemaIndex;
    options: ValidateOptions;
    issues: ValidationIssue[];
}

/** A slot to fill: a type reference plus whether null may go there. */
export interface Slot extends TypeRef {
    nullable: boolean;
}

/** Validates `value` against a slot, appending issues to the context. */
export function validateValue(ctx: ValidationContext, slot: Slot, value: unknown, at: string): void {
    if (value === null) {
        if (!slot.nullable) ctx.issues.push(issue(at, 'null', `null is not allowed for ${slot.type}`));
        return;
    }
    if (slot.collection) {
        validateCollection(ctx, slot, value, at);
        return;
    }
    validateSingle(ctx, slot.type, value, at);
}

function validateCollection(ctx: ValidationContext, slot: Slot, value: unknown, at: string): void {
    if (!Array.isArray(value)) {
        ctx.issues.push(issue(at, 'type', `expected Collection(${slot.type}), got ${describe(value)}`));
        return;
    }
    const element: Slot = { ...slot, collection: false };
    value.forEach((item, index) => validateValue(ctx, element, item, `${at}[${index}]`));
}

function validateSingle(ctx: ValidationContext, typeName: string, value: unknown, at: string): void {
    if (typeName.startsWith('Edm.')) {
        const problem = checkPrimitive(typeName, value);
        if (problem) ctx.issues.push(issue(at, 'type', problem));
        return;
    }
    const type = ctx.schema.type(typeName);
    if (!type) {
        ctx.issues.push(issue(at, 'unknown-type', `type ${typeName} is not in the schema`));
    } else if (type.kind === 'enum') {
        validateEnum(ctx, type, value, at);
    } else {
        validateStructured(ctx, typeName, value, at);
    }
}

function validateEnum(ctx: ValidationContext, type: CsdlEnumType, value: unknown, at: string): void {
    if (typeof value !== 'string') {
        ctx.issues.push(issue(at, 'type', `expected ${type.name} member name, got ${describe(value)}`));
        return;
    }
    const names = type.flags ? value.split(',').map((name) => name.trim()) : [value];
    const bad = names.filter((name) => !type.members.includes(name));
    if (bad.length > 0) {
        ctx.issues.push(issue(at, 'enum', `"${value}" is not a member of ${type.name} (${type.members.join(', ')})`));
    }
}

/** Validates an object against an entity or complex type, honouring `@odata.type` casts. */
export function validateStructured(ctx: ValidationContext, typeName: string, value: unknown, at: string): void {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
        ctx.issues.push(issue(at, 'type', `expected ${typeName} object, got ${describe(value)}`));
        return;
    }
    const record = value as Record<string, unknown>;
    const actual = castType(ctx, typeName, record['@odata.type'], at);
    const props = ctx.schema.properties(actual);
    const open = acceptsOpenProperties(ctx, actual);
    for (const [key, child] of Object.entries(record)) {
        const childAt = `${at}.${key}`;
        if (isAnnotationKey(key)) {
            validateAnnotation(ctx, props, key, child, childAt);
            continue;
        }
        const prop = props.get(key);
        if (prop) validateValue(ctx, prop, child, childAt);
        else if (!open)
            ctx.issues.push(issue(childAt, 'unknown-property', `${shortName(actual)} has no property "${key}"`));
    }
}

function acceptsOpenProperties(ctx: ValidationContext, typeName: string): boolean {
    const allowed = ctx.options.allowOpenTypeProperties ?? DEFAULT_OPEN_TYPES;
    if (allowed === false || !ctx.schema.isOpen(typeName)) return false;
    return allowed === true || allowed.some((name) => ctx.schema.qualify(name) === typeName);
}

function validateAnnotation(
    ctx: ValidationContext,
    props: Map<string, unknown>,
    key: string,
    value: unknown,
    at: string,
): void {
    const target = annotatedProperty(key);
    if (target !== '' && !props.has(target)) {
        ctx.issues.push(issue(at, 'unknown-property', `annotation "${key}" targets an undeclared property`));
        return;
    }
    ctx.issues.push(...checkAnnotation(key, value, at));
}

/** `@odata.type` may name the declared type or a type derived from it; anything else is an issue. */
function castType(ctx: ValidationContext, declared: string, odataType: unknown, at: string): string {
    if (typeof odataType !== 'string') return declared;
    const cast = ctx.schema.qualify(odataType);
    if (!cast) {
        ctx.issues.push(issue(`${at}.@odata.type`, 'unknown-type', `${odataType} is not in the schema`));
        return declared;
    }
    if (!ctx.schema.derivesFrom(cast, declared)) {
        ctx.issues.push(issue(`${at}.@odata.type`, 'type', `${odataType} does not derive from ${declared}`));
        return declared;
    }
    return cast;
}

export function shortName(qualified: string): string {
    return qualified.replace(/^microsoft\.graph\./, '');
}
