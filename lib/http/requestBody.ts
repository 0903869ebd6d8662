import type { HttpRequest } from '@azure/functions';
import type { ZodType } from 'zod';
import { ApiError, FieldProblem } from './apiError';

/** Default cap for JSON bodies of management routes: settings documents are small. */
export const DEFAULT_MAX_JSON_BYTES = 64 * 1024;

/**
 * Reads a JSON body and validates it with a zod schema. Every failure is a 4xx with a stable code:
 * 415 unsupported_media_type, 413 payload_too_large, 400 invalid_json, 400 validation_failed (with
 * field-level details). Nothing is stored before this passes.
 */
export async function readJsonBody<T>(
    request: HttpRequest,
    schema: ZodType<T>,
    maxBytes = DEFAULT_MAX_JSON_BYTES,
): Promise<T> {
    const contentType = request.headers.get('content-type') ?? '';
    if (!/^application\/([\w.+-]+\+)?json\s*(;|$)/i.test(contentType)) {
        throw new ApiError(
            415,
            'unsupported_media_type',
            `Expected Content-Type application/json, got ${contentType ? `"${contentType.slice(0, 60)}"` : 'none'}.`,
            'Send the body as JSON with Content-Type: application/json.',
        );
    }
    const declared = Number(request.headers.get('content-length') ?? '0');
    if (declared > maxBytes) throw tooLarge(maxBytes);
    const bytes = Buffer.from(await request.arrayBuffer());
    if (bytes.length > maxBytes) throw tooLarge(maxBytes);
    let parsed: unknown;
    try {
        parsed = JSON.parse(bytes.toString('utf8'));
    } catch {
        throw new ApiError(
            400,
            'invalid_json',
            'The request body is not valid JSON.',
            'Check the body for a trailing comma or unquoted key.',
        );
    }
    return validate(schema, parsed);
}

export function validate<T>(schema: ZodType<T>, value: unknown): T {
    const result = schema.safeParse(value);
    if (result.success) return result.data;
    const details = result.error.issues.flatMap(toFieldProblems);
    throw new ApiError(
        400,
        'validation_failed',
        `The request has ${details.length} invalid field${details.length === 1 ? '' : 's'}: ${details.map((d) => d.field).join(', ')}.`,
        'Correct the fields listed in details and send the request again.',
        details,
    );
}

interface Issue {
    code: string;
    path: PropertyKey[];
    message: string;
    keys?: string[];
    params?: { code?: string };
}

function toFieldProblems(issue: Issue): FieldProblem[] {
    const base = issue.path.map(String).join('.');
    if (issue.code === 'unrecognized_keys' && issue.keys) {
        return issue.keys.map((k) => ({
            field: base ? `${base}.${k}` : k,
            code: 'unknown_property',
            message: `Unknown property "${k}".`,
        }));
    }
    // Custom refinements carry their own stable code in params.code.
    const code = issue.code === 'custom' && issue.params?.code ? issue.params.code : issue.code;
    return [{ field: base || '(body)', code, message: issue.message }];
}

function tooLarge(maxBytes: number): ApiError {
    return new ApiError(
        413,
        'payload_too_large',
        `The request body exceeds ${maxBytes} bytes.`,
        'Send only the documented fields.',
    );
}
