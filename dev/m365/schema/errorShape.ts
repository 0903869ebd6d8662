import { describe } from './edmPrimitives';
import { issue, type ValidationIssue } from './validationIssue';

/**
 * Graph's error body: `{ error: { code, message, innerError?, details?, target? } }`. The inner error
 * is spelt `innerError` or `innererror` depending on the service (both occur, and the simulator uses
 * both on purpose); it carries `code`, `request-id`, `client-request-id`, `date` and may nest
 * `innererror` again.
 */
export function validateGraphError(body: unknown): ValidationIssue[] {
    const issues: ValidationIssue[] = [];
    const root = asRecord(body, '$', issues);
    if (!root) return issues;
    expectKeys(root, '$', ['error'], issues);
    const error = asRecord(root.error, '$.error', issues);
    if (!error) return issues;
    expectKeys(error, '$.error', ['code', 'message', 'innerError', 'innererror', 'details', 'target'], issues);
    expectString(error, 'code', '$.error', issues, true);
    expectString(error, 'message', '$.error', issues, true);
    expectString(error, 'target', '$.error', issues, false);
    for (const key of ['innerError', 'innererror']) {
        if (key in error) validateInner(error[key], `$.error.${key}`, issues);
    }
    return issues;
}

function validateInner(value: unknown, at: string, issues: ValidationIssue[]): void {
    const inner = asRecord(value, at, issues);
    if (!inner) return;
    for (const key of ['code', 'request-id', 'client-request-id', 'date', 'message']) {
        expectString(inner, key, at, issues, false);
    }
    for (const key of ['innerError', 'innererror']) {
        if (key in inner) validateInner(inner[key], `${at}.${key}`, issues);
    }
}

function asRecord(value: unknown, at: string, issues: ValidationIssue[]): Record<string, unknown> | undefined {
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) return value as Record<string, unknown>;
    issues.push(issue(at, 'shape', `expected an object, got ${describe(value)}`));
    return undefined;
}

function expectKeys(record: Record<string, unknown>, at: string, allowed: string[], issues: ValidationIssue[]): void {
    for (const key of Object.keys(record)) {
        if (!allowed.includes(key)) issues.push(issue(`${at}.${key}`, 'unknown-property', `unexpected key "${key}"`));
    }
}

function expectString(
    record: Record<string, unknown>,
    key: string,
    at: string,
    issues: ValidationIssue[],
    required: boolean,
): void {
    const value = record[key];
    if (value === undefined && !required) return;
    if (typeof value !== 'string' || (required && value === '')) {
        issues.push(
            issue(`${at}.${key}`, 'shape', `expected a${required ? ' non-empty' : ''} string, got ${describe(value)}`),
        );
    }
}
