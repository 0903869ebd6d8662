/**
 * A compact, JSON-serialisable view of the Graph v1.0 CSDL: only what validation needs. Every type
 * name is namespace-qualified (`microsoft.graph.driveItem`) with aliases (`graph.`, `self.`) resolved,
 * or an EDM primitive (`Edm.String`). Kept plain so it can be cached on disk between jest test files.
 */

/** A type reference: `Collection(graph.driveItem)` becomes `{ type: 'microsoft.graph.driveItem', collection: true }`. */
export interface TypeRef {
    type: string;
    collection: boolean;
}

export interface CsdlProperty extends TypeRef {
    name: string;
    /** For collections this applies to the elements, as in CSDL. */
    nullable: boolean;
    /** Navigation properties appear in bodies only when expanded. */
    navigation: boolean;
}

export interface CsdlStructuredType {
    kind: 'entity' | 'complex';
    name: string;
    baseType?: string;
    open: boolean;
    abstract: boolean;
    /** Declared on this type only; base types' properties are merged lazily (see SchemaIndex). */
    properties: CsdlProperty[];
}

export interface CsdlEnumType {
    kind: 'enum';
    name: string;
    members: string[];
    /** Flags enums serialise as comma-separated member names. */
    flags: boolean;
}

export type CsdlType = CsdlStructuredType | CsdlEnumType;

export interface CsdlParameter extends TypeRef {
    name: string;
    nullable: boolean;
}

/** A bound or unbound action or function, for URL resolution and action-body validation. */
export interface CsdlOperation {
    kind: 'action' | 'function';
    name: string;
    /** The binding parameter's type, for bound operations. */
    binding?: TypeRef;
    /** Parameters after the binding parameter. */
    parameters: CsdlParameter[];
    returnType?: TypeRef;
}

export interface CsdlModel {
    types: Record<string, CsdlType>;
    /** By unqualified operation name; several overloads differ by binding type. */
    operations: Record<string, CsdlOperation[]>;
    /** Entity sets (collections) and singletons of the GraphService container, by name. */
    container: Record<string, TypeRef>;
}
