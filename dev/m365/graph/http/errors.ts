/**
 * Graph's error responses. Graph (graph.microsoft.com) spells the nested object `innerError` and
 * fills it with date and request ids; SharePoint's own endpoints (the pre-authenticated upload and
 * download URLs, and some errors it passes through, like delta resync) answer in the older OneDrive
 * shape with a lowercase `innererror` chain. Clients meet both, so the simulator emits both.
 */
export type InnerCasing = 'innerError' | 'innererror';

export class GraphError extends Error {
    constructor(
        readonly status: number,
        readonly code: string,
        message: string,
        readonly innerCode?: string,
        readonly options: {
            headers?: Record<string, string>;
            casing?: InnerCasing;
            extra?: Record<string, unknown>;
        } = {},
    ) {
        super(message);
        this.name = 'GraphError';
    }
}

export const notFound = (what = 'The resource could not be found.'): GraphError =>
    new GraphError(404, 'itemNotFound', what);

export const badRequest = (message: string, innerCode?: string): GraphError =>
    new GraphError(400, 'invalidRequest', message, innerCode);

export const accessDenied = (message = 'Access denied'): GraphError => new GraphError(403, 'accessDenied', message);

export const nameAlreadyExists = (name: string): GraphError =>
    new GraphError(409, 'nameAlreadyExists', `The specified item name already exists. Name: ${name}`);

export const preconditionFailed = (): GraphError =>
    new GraphError(412, 'resourceModified', "ETag does not match current item's value", 'entityTagDoesNotMatch');

export const malformedEntityTag = (): GraphError =>
    new GraphError(400, 'invalidRequest', 'ETags must be quoted strings', 'malformedEntityTag');

export function errorBody(
    e: GraphError,
    ids: { requestId: string; clientRequestId: string; date: string },
): Record<string, unknown> {
    if (e.options.casing === 'innererror') {
        const error: Record<string, unknown> = { code: e.code, message: e.message };
        if (e.innerCode) error.innererror = { code: e.innerCode };
        return { error: { ...error, ...e.options.extra } };
    }
    const inner: Record<string, unknown> = {};
    if (e.innerCode) inner.code = e.innerCode;
    inner.date = ids.date;
    inner['request-id'] = ids.requestId;
    inner['client-request-id'] = ids.clientRequestId;
    return { error: { code: e.code, message: e.message, ...e.options.extra, innerError: inner } };
}
