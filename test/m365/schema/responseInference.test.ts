import { graphSchema, validateGraphResponse, type ValidationIssue } from '../../../dev/m365/schema';
import { targetFromContext } from '../../../dev/m365/schema/odataContext';
import { expectationForRoute } from '../../../dev/m365/schema/resolveRoute';

const codes = (issues: ValidationIssue[]) => issues.map((i) => `${i.at} ${i.code}`);
const base = 'https://graph.microsoft.com/v1.0/$metadata#';

/** `Collection(x)` or `x`, short names, for readable expectations. */
function contextType(context: string): string | undefined {
    const target = targetFromContext(graphSchema(), context);
    if (!target) return undefined;
    const name = target.ref.type.replace('microsoft.graph.', '');
    return target.ref.collection ? `Collection(${name})` : name;
}

function routeType(method: string, path: string, body: unknown = {}): string {
    const expectation = expectationForRoute(graphSchema(), method, path, body);
    if (expectation.kind !== 'json') return expectation.kind;
    const name = expectation.ref.type.replace('microsoft.graph.', '');
    return expectation.ref.collection ? `Collection(${name})` : name;
}

describe('@odata.context inference', () => {
    it.each([
        // The four contexts in the docs examples.
        ['sites', 'Collection(site)'],
        ['subscriptions', 'Collection(subscription)'],
        ['subscriptions/$entity', 'subscription'],
        ['drives', 'Collection(drive)'],
        // Shapes Graph uses for drive routes.
        ["drives('b!x')/items/$entity", 'driveItem'],
        ["drives('b!x')/root/$entity", 'driveItem'],
        ["drives('b!x')/items('01A')/children", 'Collection(driveItem)'],
        ["users('u1')/drive/$entity", 'drive'],
        ["users('48d31887-5fad-4d73-a9f5-3c356e68a038')/drive/root/$entity", 'driveItem'],
        ['Collection(driveItem)', 'Collection(driveItem)'],
        ['Collection(microsoft.graph.driveItem)', 'Collection(driveItem)'],
        ['microsoft.graph.uploadSession', 'uploadSession'],
        ['users/$entity', 'user'],
        ['users(displayName,mail)', 'Collection(user)'],
        ["sites('contoso.sharepoint.com,1,2')/drives", 'Collection(drive)'],
    ])('%s is %s', (fragment, expected) => {
        expect(contextType(base + fragment)).toBe(expected);
    });

    it('cannot resolve unknown fragments', () => {
        expect(contextType(`${base}nonsense('x')/items`)).toBeUndefined();
        expect(contextType('no-fragment')).toBeUndefined();
    });

    it('uses the context over the route and reports disagreement', () => {
        const body = { '@odata.context': `${base}subscriptions/$entity`, id: 's', changeType: 'updated' };
        expect(validateGraphResponse({ method: 'GET', path: '/v1.0/subscriptions/s', status: 200, body })).toEqual([]);
        const issues = validateGraphResponse({ method: 'GET', path: '/v1.0/me/drive', status: 200, body });
        expect(codes(issues)).toEqual(['$.@odata.context context']);
        const broken = { ...body, '@odata.context': `${base}nowhere` };
        expect(
            codes(validateGraphResponse({ method: 'GET', path: '/v1.0/subscriptions/s', status: 200, body: broken })),
        ).toEqual(['$.@odata.context context']);
    });
});

describe('route inference for the simulator routes', () => {
    it.each([
        ['GET', '/v1.0/me', 'user'],
        ['GET', '/v1.0/me/drive', 'drive'],
        ['GET', '/v1.0/drives/b!x', 'drive'],
        ['GET', '/v1.0/sites/contoso.sharepoint.com,1,2/drive', 'drive'],
        ['GET', '/v1.0/sites/contoso.sharepoint.com:/sites/team', 'site'],
        ['GET', '/v1.0/sites/root/drives', 'Collection(drive)'],
        ['GET', '/v1.0/drives/b!x/root', 'driveItem'],
        ['GET', '/v1.0/drives/b!x/items/01A?$select=id,name', 'driveItem'],
        ['PATCH', '/v1.0/drives/b!x/items/01A', 'driveItem'],
        ['DELETE', '/v1.0/drives/b!x/items/01A', 'none'],
        ['GET', '/v1.0/drives/b!x/root:/a/b%20c.txt', 'driveItem'],
        ['GET', '/v1.0/drives/b!x/items/01A:/sub/dir:/children', 'Collection(driveItem)'],
        ['POST', '/v1.0/drives/b!x/items/01A/children', 'driveItem'],
        ['GET', '/v1.0/drives/b!x/root/delta?token=abc&$top=2', 'Collection(driveItem)'],
        ['GET', "/v1.0/me/drive/root/delta(token='2024-05-01T10:00:00Z')", 'Collection(driveItem)'],
        ['GET', '/v1.0/drives/b!x/items/01A/content', 'skip'],
        ['PUT', '/v1.0/drives/b!x/items/01A:/new.txt:/content?@microsoft.graph.conflictBehavior=fail', 'driveItem'],
        ['POST', '/v1.0/drives/b!x/root:/big.bin:/createUploadSession', 'uploadSession'],
        ['POST', '/v1.0/drives/b!x/items/01A/microsoft.graph.createUploadSession', 'uploadSession'],
        ['GET', '/v1.0/drives/b!x/items/01A/thumbnails', 'Collection(thumbnailSet)'],
        ['GET', '/v1.0/drives/b!x/items/01A/listItem', 'listItem'],
        ['GET', '/v1.0/subscriptions', 'Collection(subscription)'],
        ['POST', '/v1.0/subscriptions', 'subscription'],
        ['PATCH', '/v1.0/subscriptions/7f105c7d-2dc5-4530-97cd-4e7ae6534c07', 'subscription'],
        ['POST', '/v1.0/subscriptions/s1/reauthorize', 'none'],
        ['GET', 'https://localhost:8443/v1.0/me/drives', 'Collection(drive)'],
    ])('%s %s is %s', (method, path, expected) => {
        expect(routeType(method, path)).toBe(expected);
    });

    it('treats paths outside /v1.0 as upload URLs', () => {
        expect(routeType('PUT', '/upload/session-1', { nextExpectedRanges: ['0-'] })).toBe('uploadSession');
        expect(routeType('PUT', '/upload/session-1', { id: '01A', name: 'a' })).toBe('driveItem');
        expect(routeType('PUT', '/upload/session-1', { hello: 1 })).toBe('unresolved');
    });

    it('reports routes the schema does not know', () => {
        expect(
            codes(validateGraphResponse({ method: 'GET', path: '/v1.0/teleport/now', status: 200, body: { a: 1 } })),
        ).toEqual(['$ unresolved']);
    });
});

describe('validateGraphResponse', () => {
    const ok = (method: string, path: string, status: number, body: unknown) =>
        codes(validateGraphResponse({ method, path, status, body }));

    it('checks delta pages: value[] plus nextLink or deltaLink, nothing else', () => {
        const page = {
            value: [{ id: 'a', name: 'a', deleted: { state: 'deleted' } }],
            '@odata.deltaLink': 'https://localhost/d',
        };
        expect(ok('GET', '/v1.0/drives/b!x/root/delta', 200, page)).toEqual([]);
        expect(ok('GET', '/v1.0/drives/b!x/root/delta', 200, { ...page, '@odata.deltaLink': '/relative' })).toEqual([
            '$.@odata.deltaLink annotation',
        ]);
        expect(ok('GET', '/v1.0/drives/b!x/root/delta', 200, { ...page, nextLink: 'x' })).toEqual([
            '$.nextLink unknown-property',
        ]);
        expect(ok('GET', '/v1.0/drives/b!x/root/delta', 200, [page])).toEqual(['$ shape']);
    });

    it('checks upload sessions', () => {
        const session = {
            uploadUrl: 'https://localhost/up/1?tempauth=t',
            expirationDateTime: '2024-05-01T10:15:00Z',
            nextExpectedRanges: ['0-'],
        };
        expect(ok('POST', '/v1.0/drives/b!x/items/01A:/a.bin:/createUploadSession', 200, session)).toEqual([]);
        expect(
            ok('POST', '/v1.0/drives/b!x/items/01A:/a.bin:/createUploadSession', 200, {
                ...session,
                nextExpectedRanges: '0-',
            }),
        ).toEqual(['$.nextExpectedRanges type']);
        expect(ok('PUT', '/up/1', 202, { expirationDateTime: 'soon', nextExpectedRanges: ['10-'] })).toEqual([
            '$.expirationDateTime type',
        ]);
    });

    it('validates error bodies by status and bodies where none belongs', () => {
        const throttled = {
            error: { code: 'activityLimitReached', message: 'throttled', innerError: { code: 'throttledRequest' } },
        };
        expect(ok('GET', '/v1.0/me/drive', 429, throttled)).toEqual([]);
        expect(ok('GET', '/v1.0/me/drive', 404, { code: 'itemNotFound' })).toEqual([
            '$.code unknown-property',
            '$.error shape',
        ]);
        expect(ok('DELETE', '/v1.0/subscriptions/s', 200, { id: 's' })).toEqual(['$ shape']);
        expect(ok('DELETE', '/v1.0/subscriptions/s', 204, undefined)).toEqual([]);
    });
});
