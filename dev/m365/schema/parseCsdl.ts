import { XMLParser } from 'fast-xml-parser';
import type {
    CsdlEnumType,
    CsdlModel,
    CsdlOperation,
    CsdlParameter,
    CsdlProperty,
    CsdlStructuredType,
    TypeRef,
} from './csdlTypes';

/** One parsed XML element: attributes under `@_Name`, child elements as arrays. */
interface XmlNode {
    [key: string]: XmlNode[] | string | undefined;
}

const parser = new XMLParser({
    ignoreAttributes: false,
    attributeNamePrefix: '@_',
    removeNSPrefix: true,
    parseAttributeValue: false,
    parseTagValue: false,
    // Every element as an array keeps the walk uniform; attributes stay scalar.
    isArray: (_name, _path, _leaf, isAttribute) => !isAttribute,
    // Annotations hold documentation and capabilities only; skipping their insides saves parse time.
    stopNodes: ['*.Annotation', '*.Annotations'],
});

/** Parses a Graph EDMX/CSDL document into the compact model. */
export function parseCsdl(xml: string): CsdlModel {
    const root = parser.parse(xml) as XmlNode;
    const schemas = children(children(children(root, 'Edmx')[0], 'DataServices')[0], 'Schema');
    const qualify = aliasResolver(schemas);
    const model: CsdlModel = { types: {}, operations: {}, container: {} };
    for (const schema of schemas) {
        const ns = attr(schema, 'Namespace');
        for (const node of children(schema, 'EnumType')) addType(model, enumType(ns, node));
        for (const node of children(schema, 'ComplexType')) addType(model, structured('complex', ns, node, qualify));
        for (const node of children(schema, 'EntityType')) addType(model, structured('entity', ns, node, qualify));
        for (const node of children(schema, 'Action')) addOperation(model, operation('action', node, qualify));
        for (const node of children(schema, 'Function')) addOperation(model, operation('function', node, qualify));
        for (const node of children(schema, 'EntityContainer')) readContainer(model, node, qualify);
    }
    return model;
}

function children(node: XmlNode | undefined, name: string): XmlNode[] {
    const value = node?.[name];
    return Array.isArray(value) ? value : [];
}

function attr(node: XmlNode, name: string): string {
    const value = node[`@_${name}`];
    return typeof value === 'string' ? value : '';
}

/** Maps `graph.x` / `self.x` to `microsoft.graph.x` / `microsoft.graph.security.x`. */
function aliasResolver(schemas: XmlNode[]): (name: string) => string {
    const aliases = new Map<string, string>();
    for (const schema of schemas) {
        const alias = attr(schema, 'Alias');
        if (alias) aliases.set(alias, attr(schema, 'Namespace'));
    }
    return (name) => {
        const dot = name.lastIndexOf('.');
        const ns = aliases.get(name.slice(0, dot));
        return ns === undefined ? name : `${ns}.${name.slice(dot + 1)}`;
    };
}

/** Parses `Collection(graph.x)` or `graph.x`. */
export function typeRef(raw: string, qualify: (name: string) => string): TypeRef {
    const match = /^Collection\((.+)\)$/.exec(raw);
    return match ? { type: qualify(match[1]), collection: true } : { type: qualify(raw), collection: false };
}

function addType(model: CsdlModel, type: CsdlStructuredType | CsdlEnumType): void {
    model.types[type.name] = type;
}

function enumType(ns: string, node: XmlNode): CsdlEnumType {
    return {
        kind: 'enum',
        name: `${ns}.${attr(node, 'Name')}`,
        members: children(node, 'Member').map((member) => attr(member, 'Name')),
        flags: attr(node, 'IsFlags') === 'true',
    };
}

function structured(
    kind: 'entity' | 'complex',
    ns: string,
    node: XmlNode,
    qualify: (name: string) => string,
): CsdlStructuredType {
    const property =
        (navigation: boolean) =>
        (child: XmlNode): CsdlProperty => ({
            name: attr(child, 'Name'),
            ...typeRef(attr(child, 'Type'), qualify),
            nullable: attr(child, 'Nullable') !== 'false',
            navigation,
        });
    const base = attr(node, 'BaseType');
    return {
        kind,
        name: `${ns}.${attr(node, 'Name')}`,
        ...(base ? { baseType: qualify(base) } : {}),
        open: attr(node, 'OpenType') === 'true',
        abstract: attr(node, 'Abstract') === 'true',
        properties: [
            ...children(node, 'Property').map(property(false)),
            ...children(node, 'NavigationProperty').map(property(true)),
        ],
    };
}

function operation(kind: 'action' | 'function', node: XmlNode, qualify: (name: string) => string): CsdlOperation {
    const params: CsdlParameter[] = children(node, 'Parameter').map((p) => ({
        name: attr(p, 'Name'),
        ...typeRef(attr(p, 'Type'), qualify),
        nullable: attr(p, 'Nullable') !== 'false',
    }));
    const bound = attr(node, 'IsBound') === 'true';
    const returns = children(node, 'ReturnType')[0];
    return {
        kind,
        name: attr(node, 'Name'),
        ...(bound && params[0] ? { binding: { type: params[0].type, collection: params[0].collection } } : {}),
        parameters: bound ? params.slice(1) : params,
        ...(returns ? { returnType: typeRef(attr(returns, 'Type'), qualify) } : {}),
    };
}

function addOperation(model: CsdlModel, op: CsdlOperation): void {
    (model.operations[op.name] ??= []).push(op);
}

function readContainer(model: CsdlModel, node: XmlNode, qualify: (name: string) => string): void {
    for (const set of children(node, 'EntitySet')) {
        model.container[attr(set, 'Name')] = { type: qualify(attr(set, 'EntityType')), collection: true };
    }
    for (const single of children(node, 'Singleton')) {
        model.container[attr(single, 'Name')] = { type: qualify(attr(single, 'Type')), collection: false };
    }
}
