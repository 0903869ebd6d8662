import type { SchemaIndex } from './schemaIndex';
import { walkSegments, type Target } from './resourceWalker';
import { splitSegments } from './uriSegments';

/**
 * What an `@odata.context` URL says the body is, e.g.
 * `$metadata#drives('b!x')/items/$entity` (one driveItem), `$metadata#Collection(driveItem)`,
 * `$metadata#users('u')/drive/$entity` (one drive), `$metadata#sites` (a collection of site),
 * `$metadata#microsoft.graph.uploadSession`. Undefined when the fragment cannot be resolved.
 */
export function targetFromContext(schema: SchemaIndex, context: string): Target | undefined {
    const hash = context.indexOf('#');
    if (hash === -1) return undefined;
    let fragment = context.slice(hash + 1);
    const single = fragment.endsWith('/$entity');
    fragment = fragment.replace(/\/\$(entity|delta)$/, '');
    const target = typeTarget(schema, fragment) ?? walkSegments(schema, splitSegments(fragment), 'context');
    if (!target || !single) return target;
    return { ...target, ref: { ...target.ref, collection: false } };
}

/** `Collection(x)` or a bare type name. Container names take precedence (`sites` is an entity set). */
function typeTarget(schema: SchemaIndex, fragment: string): Target | undefined {
    const collection = /^Collection\((.+)\)$/.exec(fragment);
    const name = collection ? collection[1] : fragment;
    if (!collection && schema.container(name)) return undefined;
    const type = schema.qualify(name);
    return type ? { ref: { type, collection: collection !== null }, via: 'cast' } : undefined;
}
