import { issue, type ValidationIssue } from './validationIssue';

/**
 * Instance annotations Graph puts next to properties: `@odata.*` and `@microsoft.graph.*`, either
 * alone (`@odata.nextLink`) or property-scoped (`children@odata.nextLink`). Anything else under `@`
 * is not something Graph sends, so it is reported.
 */
type AnnotationCheck = (value: unknown) => string | undefined;

const isString: AnnotationCheck = (value) => (typeof value === 'string' ? undefined : 'expected a string');

const absoluteUrl: AnnotationCheck = (value) => {
    if (typeof value !== 'string') return 'expected an absolute URL string';
    try {
        new URL(value);
        return undefined;
    } catch {
        return `"${value}" is not an absolute URL`;
    }
};

const CHECKS: Record<string, AnnotationCheck> = {
    'odata.context': isString,
    'odata.type': (value) =>
        typeof value === 'string' && value.startsWith('#') ? undefined : 'expected "#namespace.type"',
    'odata.id': isString,
    'odata.etag': isString,
    'odata.editLink': isString,
    'odata.readLink': isString,
    'odata.mediaReadLink': isString,
    'odata.mediaEditLink': isString,
    'odata.mediaContentType': isString,
    'odata.nextLink': absoluteUrl,
    'odata.deltaLink': absoluteUrl,
    'odata.count': (value) => (Number.isInteger(value) ? undefined : 'expected an integer'),
    'microsoft.graph.downloadUrl': absoluteUrl,
    'microsoft.graph.sourceUrl': absoluteUrl,
    'microsoft.graph.conflictBehavior': (value) =>
        value === 'fail' || value === 'replace' || value === 'rename' ? undefined : 'expected fail, replace or rename',
};

/** True for keys that are annotations rather than properties. */
export function isAnnotationKey(key: string): boolean {
    return key.includes('@');
}

/** The property an annotation key is scoped to (`children` for `children@odata.nextLink`), or ''. */
export function annotatedProperty(key: string): string {
    return key.slice(0, key.indexOf('@'));
}

/** Checks an annotation key and value; `at` locates the key. */
export function checkAnnotation(key: string, value: unknown, at: string): ValidationIssue[] {
    const term = key.slice(key.indexOf('@') + 1);
    if (!term.startsWith('odata.') && !term.startsWith('microsoft.graph.')) {
        return [issue(at, 'unknown-property', `annotation "${key}" is outside @odata and @microsoft.graph`)];
    }
    const problem = CHECKS[term]?.(value);
    return problem ? [issue(at, 'annotation', `${key}: ${problem}`)] : [];
}
