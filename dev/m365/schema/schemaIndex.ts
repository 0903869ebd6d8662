import type { CsdlModel, CsdlOperation, CsdlProperty, CsdlStructuredType, CsdlType, TypeRef } from './csdlTypes';
import { loadGraphModel } from './graphModel';

const GRAPH_NS = 'microsoft.graph';

/**
 * Lookups over the compact model. Inheritance is resolved lazily: a type's merged property map is
 * built the first time a body of that type is validated, so a run touches a few dozen of the ~3,800
 * types rather than all of them.
 */
export class SchemaIndex {
    private readonly merged = new Map<string, Map<string, CsdlProperty>>();

    constructor(private readonly model: CsdlModel) {}

    /** Accepts `driveItem`, `graph.driveItem`, `microsoft.graph.driveItem` or `#microsoft.graph.driveItem`. */
    qualify(name: string): string | undefined {
        const bare = name.replace(/^#/, '');
        if (bare.startsWith('Edm.')) return bare;
        const candidates = [bare, `${GRAPH_NS}.${bare}`, bare.replace(/^graph\./, `${GRAPH_NS}.`)];
        return candidates.find((candidate) => this.model.types[candidate] !== undefined);
    }

    type(qualifiedName: string): CsdlType | undefined {
        return this.model.types[qualifiedName];
    }

    structured(qualifiedName: string): CsdlStructuredType | undefined {
        const type = this.model.types[qualifiedName];
        return type && type.kind !== 'enum' ? type : undefined;
    }

    /** All properties of a structured type including inherited ones, by name. */
    properties(qualifiedName: string): Map<string, CsdlProperty> {
        let props = this.merged.get(qualifiedName);
        if (!props) {
            props = new Map();
            for (const type of this.lineage(qualifiedName).reverse()) {
                for (const prop of type.properties) props.set(prop.name, prop);
            }
            this.merged.set(qualifiedName, props);
        }
        return props;
    }

    /** True when `name` is `ancestor` or derives from it. */
    derivesFrom(name: string, ancestor: string): boolean {
        return this.lineage(name).some((type) => type.name === ancestor);
    }

    /** True when the type or any base type is declared OpenType. */
    isOpen(qualifiedName: string): boolean {
        return this.lineage(qualifiedName).some((type) => type.open);
    }

    container(name: string): TypeRef | undefined {
        return this.model.container[name];
    }

    /** The overload of a bound operation applicable to a binding type (nearest base type wins). */
    boundOperation(name: string, binding: TypeRef): CsdlOperation | undefined {
        const overloads = (this.model.operations[name] ?? []).filter(
            (op) => op.binding && op.binding.collection === binding.collection,
        );
        for (const type of this.lineage(binding.type)) {
            const found = overloads.find((op) => op.binding?.type === type.name);
            if (found) return found;
        }
        return undefined;
    }

    /** The type itself followed by its base types, most derived first. */
    private lineage(qualifiedName: string): CsdlStructuredType[] {
        const chain: CsdlStructuredType[] = [];
        for (
            let type = this.structured(qualifiedName);
            type;
            type = type.baseType ? this.structured(type.baseType) : undefined
        ) {
            chain.push(type);
        }
        return chain;
    }
}

let shared: SchemaIndex | undefined;

/** The process-wide index over the Graph v1.0 model. */
export function graphSchema(): SchemaIndex {
    shared ??= new SchemaIndex(loadGraphModel());
    return shared;
}
