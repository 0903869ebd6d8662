/**
 * Validation of simulator responses against Microsoft Graph v1.0 (CSDL in
 * ../shared/oracles/graph/cleanMetadata.xml) and the Graph docs examples.
 */
export type { TypeRef } from './csdlTypes';
export { compareWithExample, loadDocsExamples, routeMatches, type DocsExample } from './docsExamples';
export { validateGraphError } from './errorShape';
export { loadGraphModel } from './graphModel';
export { graphSchema } from './schemaIndex';
export {
    createSchemaRecorder,
    type RecordedIssue,
    type SchemaRecorder,
    type SchemaRecorderOptions,
} from './schemaRecorder';
export { validateGraphActionBody, validateGraphEntity, validateGraphRequestBody } from './validateBodies';
export { validateGraphResponse, type ObservedResponse } from './validateResponse';
export { formatIssues, type IssueCode, type ValidationIssue } from './validationIssue';
export { DEFAULT_OPEN_TYPES, type ValidateOptions } from './validateValue';
