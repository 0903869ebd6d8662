import type { TypeRef } from './csdlTypes';
import type { SchemaIndex } from './schemaIndex';
import { walkSegments, type Target } from './resourceWalker';
import { splitSegments } from './uriSegments';

/** What a response body on a route should be. */
export type BodyExpectation =
    | { kind: 'json'; ref: TypeRef }
    /** 204-style answers: DELETE, actions without a return type. */
    | { kind: 'none' }
    /** Bytes (GET .../content, $value) or counts: nothing to check against the schema. */
    | { kind: 'skip' }
    | { kind: 'unresolved'; reason: string };

const GRAPH_PREFIX = /^\/(v1\.0|beta)(?=\/|$)/;

/**
 * Resolves a Graph request path (`/v1.0/me/drive/root:/a.txt:/content`, optionally with a query or
 * as a full URL) against the schema: entity sets and singletons, navigation properties, keys,
 * bound actions and functions (delta, createUploadSession, search), casts and path addressing.
 * Paths outside /v1.0 are the pre-authenticated upload URLs the simulator hands out.
 */
export function expectationForRoute(schema: SchemaIndex, method: string, path: string, body: unknown): BodyExpectation {
    const pathname = pathOnly(path);
    if (!GRAPH_PREFIX.test(pathname)) return uploadUrlExpectation(body);
    const target = walkSegments(schema, splitSegments(pathname.replace(GRAPH_PREFIX, '')), 'path');
    if (!target) return { kind: 'unresolved', reason: `no schema route for ${method} ${pathname}` };
    return expectationForMethod(method.toUpperCase(), target);
}

/** The resolved target is what a GET returns; other methods shift it. */
function expectationForMethod(method: string, target: Target): BodyExpectation {
    if (method === 'DELETE' || target.noBody) return { kind: 'none' };
    if (target.via === 'count') return { kind: 'skip' };
    if (target.via === 'stream') {
        // PUT .../content answers with the driveItem it wrote; GET answers with bytes or a redirect.
        return method === 'PUT' ? { kind: 'json', ref: { ...target.ref, collection: false } } : { kind: 'skip' };
    }
    if (method === 'POST' && target.ref.collection && target.via !== 'operation') {
        return { kind: 'json', ref: { ...target.ref, collection: false } }; // create in a collection
    }
    return { kind: 'json', ref: target.ref };
}

/**
 * Upload-session URLs are not Graph routes: PUT/GET answer with an uploadSession while bytes are
 * outstanding (202/200 with nextExpectedRanges) and with the committed driveItem at the end.
 */
function uploadUrlExpectation(body: unknown): BodyExpectation {
    const record = typeof body === 'object' && body !== null ? (body as Record<string, unknown>) : {};
    if ('nextExpectedRanges' in record || 'uploadUrl' in record) {
        return { kind: 'json', ref: { type: 'microsoft.graph.uploadSession', collection: false } };
    }
    if ('id' in record) return { kind: 'json', ref: { type: 'microsoft.graph.driveItem', collection: false } };
    return { kind: 'unresolved', reason: 'body on an upload URL is neither an uploadSession nor a driveItem' };
}

function pathOnly(path: string): string {
    let pathname = path;
    if (/^https?:\/\//.test(path)) pathname = new URL(path).pathname;
    pathname = pathname.split('?')[0];
    try {
        return decodeURIComponent(pathname);
    } catch {
        return pathname;
    }
}
