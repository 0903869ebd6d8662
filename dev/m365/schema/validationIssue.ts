/** One problem found in a body, located by a JSONPath-like pointer such as `$.value[0].file.mimeType`. */
export interface ValidationIssue {
    at: string;
    code: IssueCode;
    message: string;
}

export type IssueCode =
    | 'unknown-property' // not declared on the type (or an annotation outside @odata / @microsoft.graph)
    | 'type' // wrong JSON type, or a primitive in the wrong format (dates, GUIDs, base64, ranges)
    | 'enum' // not a member of the enum type
    | 'null' // null where Nullable="false"
    | 'annotation' // a known annotation with a bad value
    | 'unknown-type' // a type name (argument, @odata.type, context) that the schema lacks
    | 'unresolved' // neither @odata.context nor the route says what the body should be
    | 'context' // @odata.context disagrees with the route
    | 'shape'; // envelope problems: collection without value[], error bodies, unexpected bodies

export function issue(at: string, code: IssueCode, message: string): ValidationIssue {
    return { at, code, message };
}

/** Formats issues one per line, for assertion messages. */
export function formatIssues(issues: readonly ValidationIssue[]): string {
    return issues.map((i) => `${i.at}: [${i.code}] ${i.message}`).join('\n');
}
