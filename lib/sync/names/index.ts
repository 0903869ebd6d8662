export { checkName } from './checkName';
export type { NameContext } from './checkName';
export { checkPath, decodedPathLength } from './checkPath';
export type { PathContext } from './checkPath';
export { caseCollision, findCaseCollisions, foldName } from './caseCollisions';
export { MAX_FILE_BYTES, MAX_PATH_LENGTH } from './limits';
export type { NameCheck, NameOk, NameProblem, NameRule } from './nameCheck';
