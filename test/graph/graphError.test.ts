import { GraphError as SdkGraphError } from '@microsoft/microsoft-graph-client';
import { GraphError, graphError, graphErrorFromBody, readGraphError } from '../../lib/graph/graphError';

const conflictBody = {
    error: {
        code: 'nameAlreadyExists',
        message: 'Name already exists',
        innerError: { code: 'conflict', 'request-id': 'inner-req', innerError: { code: 'resourceModified' } },
    },
};

describe('GraphError: one type for every way the service calls Graph', () => {
    it('reads a raw response: code, message, the whole innererror chain, request id and Retry-After', async () => {
        const response = new Response(JSON.stringify(conflictBody), {
            status: 409,
            headers: { 'request-id': 'top-req', 'retry-after': '7' },
        });
        const e = await readGraphError(response);
        expect(e).toBeInstanceOf(GraphError);
        expect(e).toMatchObject({ status: 409, code: 'nameAlreadyExists', message: 'Name already exists' });
        expect(e.innerCodes).toEqual(['conflict', 'resourceModified']);
        expect(e.has('resourceModified')).toBe(true);
        expect(e.requestId).toBe('top-req');
        expect(e.retryAfterSeconds).toBe(7);
        expect(e.transient).toBe(false);
    });

    it('keeps the status when the body is not JSON', () => {
        const e = graphErrorFromBody(503, new Headers(), undefined);
        expect(e).toMatchObject({ status: 503, code: 'http_503', message: 'Graph answered 503.' });
        expect(e.transient).toBe(true);
    });

    it("converts the Graph SDK client's error, innererror chain included", () => {
        const sdk = new SdkGraphError(409, 'Name already exists');
        sdk.code = 'nameAlreadyExists';
        sdk.requestId = 'sdk-req';
        sdk.body = JSON.stringify(conflictBody);
        const e = graphError(sdk)!;
        expect(e).toMatchObject({ status: 409, code: 'nameAlreadyExists', requestId: 'sdk-req' });
        expect(e.has('conflict')).toBe(true);
        expect(graphError(e)).toBe(e);
    });

    it('is undefined for what is not an answer from Graph', () => {
        expect(graphError(new Error('ECONNRESET'))).toBeUndefined();
        expect(graphError({ statusCode: -1 })).toBeUndefined();
        expect(graphError(undefined)).toBeUndefined();
    });
});
