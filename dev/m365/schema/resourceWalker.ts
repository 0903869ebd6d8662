import type { TypeRef } from './csdlTypes';
import type { SchemaIndex } from './schemaIndex';
import type { Segment } from './uriSegments';

/** What a resource path or context URL designates. */
export interface Target {
    ref: TypeRef;
    /**
     * How the last segment was reached: `stream` is a media property such as driveItem `content`
     * (`ref` is then the owning entity, which a PUT returns); `operation` an action or function.
     */
    via: 'container' | 'key' | 'property' | 'operation' | 'cast' | 'stream' | 'count';
    /** For operations: Graph answers 204 with no body. */
    noBody?: boolean;
}

/**
 * In request paths parentheses after a collection are always a key; in context URLs they may also be
 * a `$select` list (`users(displayName,mail)`), which leaves a collection a collection.
 */
export type WalkMode = 'path' | 'context';

/** Walks segments from the entity container, returning undefined on the first segment it cannot place. */
export function walkSegments(schema: SchemaIndex, segments: Segment[], mode: WalkMode): Target | undefined {
    const [first, ...rest] = segments;
    const start = first && schema.container(first.name);
    if (!start) return undefined;
    let target: Target | undefined = applyKey({ ref: start, via: 'container' }, first.args, mode);
    for (const segment of rest) {
        if (!target) return undefined;
        target = step(schema, target, segment, mode);
    }
    return target;
}

function step(schema: SchemaIndex, from: Target, segment: Segment, mode: WalkMode): Target | undefined {
    if (from.via === 'stream' || from.noBody) return undefined;
    if (segment.name === '$count') return { ref: { type: 'Edm.Int32', collection: false }, via: 'count' };
    if (segment.name === '$value') return { ref: from.ref, via: 'stream' };
    return (
        fromProperty(schema, from, segment, mode) ??
        fromOperation(schema, from.ref, segment) ??
        fromCast(schema, from.ref, segment) ??
        (from.ref.collection ? { ref: { ...from.ref, collection: false }, via: 'key' } : undefined)
    );
}

function fromProperty(schema: SchemaIndex, from: Target, segment: Segment, mode: WalkMode): Target | undefined {
    if (from.ref.collection) return undefined;
    const prop = schema.properties(from.ref.type).get(segment.name);
    if (!prop) return undefined;
    if (prop.type === 'Edm.Stream') return { ref: from.ref, via: 'stream' };
    return applyKey({ ref: { type: prop.type, collection: prop.collection }, via: 'property' }, segment.args, mode);
}

function fromOperation(schema: SchemaIndex, binding: TypeRef, segment: Segment): Target | undefined {
    const name = segment.name.replace(/^(microsoft\.graph|graph)\./, '');
    const op = schema.boundOperation(name, binding);
    if (!op) return undefined;
    return op.returnType ? { ref: op.returnType, via: 'operation' } : { ref: binding, via: 'operation', noBody: true };
}

function fromCast(schema: SchemaIndex, from: TypeRef, segment: Segment): Target | undefined {
    if (!segment.name.includes('.')) return undefined;
    const cast = schema.qualify(segment.name);
    if (!cast || !schema.derivesFrom(cast, from.type)) return undefined;
    return { ref: { type: cast, collection: from.collection }, via: 'cast' };
}

/** `items('x')` on a collection selects one element. */
function applyKey(target: Target, args: string | undefined, mode: WalkMode): Target {
    if (args === undefined || !target.ref.collection) return target;
    if (mode === 'context' && !looksLikeKey(args)) return target;
    return { ref: { ...target.ref, collection: false }, via: 'key' };
}

/** Keys are quoted strings, GUIDs, numbers or `name=value` pairs; `$select` lists are bare names. */
function looksLikeKey(args: string): boolean {
    return /^'.*'$/s.test(args) || /^[0-9a-fA-F-]{36}$/.test(args) || /^\d+$/.test(args) || /^\w+=/.test(args);
}
