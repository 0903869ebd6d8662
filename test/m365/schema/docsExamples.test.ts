import {
    compareWithExample,
    graphSchema,
    loadDocsExamples,
    routeMatches,
    validateGraphResponse,
    type DocsExample,
} from '../../../dev/m365/schema';
import { expectationForRoute } from '../../../dev/m365/schema/resolveRoute';

const examples = loadDocsExamples();
const observed = (example: DocsExample) => ({
    method: example.method,
    path: `/v1.0${example.examplePath}`,
    status: example.status,
    body: example.body,
});

/**
 * What each example's route returns, short names; examples without a body answer 204 or 302. `copy`
 * is declared to return a driveItem although the service answers 202 with only a Location header.
 */
const EXPECTED_TYPES: Record<number, string> = {
    0: 'Collection(site)',
    1: 'Collection(contentType)',
    2: 'subscription',
    3: 'driveItem',
    4: 'skip',
    5: 'none',
    6: 'Collection(site)',
    7: 'Collection(driveItem)',
    8: 'Collection(driveItem)',
    9: 'Collection(driveItem)',
    10: 'none',
    11: 'Collection(driveItem)',
    12: 'Collection(permission)',
    13: 'skip',
    14: 'driveItem',
    15: 'driveItem',
    16: 'driveItem',
    17: 'Collection(driveItem)',
    18: 'driveItem',
    19: 'Collection(driveItem)',
    20: 'Collection(driveItem)',
    21: 'Collection(driveItem)',
    22: 'Collection(site)',
    23: 'driveItem',
    24: 'driveItem',
    25: 'Collection(site)',
    26: 'driveItem',
    27: 'none',
    28: 'driveItem',
    29: 'Collection(driveItem)',
    30: 'site',
    31: 'none',
    32: 'subscription',
    33: 'subscription',
    34: 'Collection(site)',
    35: 'driveItem',
    36: 'Collection(subscription)',
    37: 'subscription',
    38: 'driveItem',
    39: 'Collection(site)',
    40: 'Collection(drive)',
    41: 'site',
    42: 'drive',
    43: 'sharedDriveItem',
    44: 'site',
};

/**
 * Where the docs disagree with the v1.0 CSDL (strict mode: no undeclared properties even on open
 * types), as `at code` per example, with the reason. Anything else failing is a validator bug.
 */
const DOCS_DEVIATIONS: Record<number, { issues: string[]; reason: string }> = {
    6: { issues: hostName(3), reason: 'docs typo: siteCollection declares "hostname", not "hostName"' },
    25: { issues: hostName(3), reason: 'docs typo: siteCollection declares "hostname", not "hostName"' },
    32: {
        issues: ['$.notificationContentType unknown-property'],
        reason: 'beta-only subscription property in a v1.0 example',
    },
    33: {
        issues: ['$.notificationContentType unknown-property'],
        reason: 'beta-only subscription property in a v1.0 example',
    },
    36: { issues: ['$.value[0].notificationContentType unknown-property'], reason: 'beta-only subscription property' },
    37: {
        issues: ['$.notificationContentType unknown-property'],
        reason: 'beta-only subscription property in a v1.0 example',
    },
    40: {
        issues: [
            '$.value[0].lastModifiedBy.user.email unknown-property',
            '$.value[0].owner.user.email unknown-property',
        ],
        reason: 'the service sends identity.email; identity is OpenType, so the default options accept it',
    },
};

function hostName(count: number): string[] {
    return Array.from({ length: count }, (_, i) => `$.value[${i}].siteCollection.hostName unknown-property`);
}

function routeType(example: DocsExample): string {
    const expectation = expectationForRoute(graphSchema(), example.method, `/v1.0${example.examplePath}`, example.body);
    if (expectation.kind !== 'json') return expectation.kind;
    const name = expectation.ref.type.replace('microsoft.graph.', '');
    return expectation.ref.collection ? `Collection(${name})` : name;
}

describe('Graph docs examples', () => {
    it('loads all 45 with method, route, status and top-level keys', () => {
        expect(examples).toHaveLength(45);
        expect(examples[35]).toMatchObject({ method: 'GET', route: '/me/drive/root', status: 200 });
        expect(examples[35].topLevelKeys).toEqual(expect.arrayContaining(['id', 'root', 'folder', 'cTag']));
        expect(examples[4]).toMatchObject({
            route: '/me/drive/items/*/content?format=*',
            status: 302,
            body: null,
            topLevelKeys: [],
        });
        expect(routeMatches(examples[4].route, '/me/drive/items/01A/content?format=pdf')).toBe(true);
        expect(routeMatches(examples[4].route, '/me/drive/items/01A/children')).toBe(false);
    });

    it('infers every example route from the schema', () => {
        const actual = Object.fromEntries(examples.map((example) => [example.index, routeType(example)]));
        expect(actual).toEqual(EXPECTED_TYPES);
    });

    it('validates every example body against the CSDL, except the listed docs deviations', () => {
        for (const example of examples) {
            const issues = validateGraphResponse(observed(example), { allowOpenTypeProperties: false }).map(
                (i) => `${i.at} ${i.code}`,
            );
            expect({ index: example.index, issues }).toEqual({
                index: example.index,
                issues: DOCS_DEVIATIONS[example.index]?.issues ?? [],
            });
        }
    });

    it('accepts the service-sent identity.email under the default options', () => {
        expect(validateGraphResponse(observed(examples[40]))).toEqual([]);
    });

    it("infers the examples' @odata.context and cross-checks it against the route", () => {
        const withContext = examples.filter(
            (example) => typeof (example.body as Record<string, unknown>)?.['@odata.context'] === 'string',
        );
        expect(withContext.map((example) => example.index)).toEqual([22, 36, 37, 40]);
        // Moved to a route returning something else, each context must be reported.
        for (const example of withContext) {
            const moved = validateGraphResponse({ ...observed(example), method: 'GET', path: '/v1.0/me/drive/root' });
            expect(moved.filter((i) => i.code === 'context')).toHaveLength(1);
        }
    });
});

describe('compareWithExample', () => {
    const root = examples[35];

    it('passes the example itself and a superset of it', () => {
        expect(compareWithExample(root, { status: 200, body: root.body })).toEqual([]);
        const superset = { ...(root.body as object), extra: true, folder: { childCount: 0, view: {} } };
        expect(compareWithExample(root, { status: 200, body: superset })).toEqual([]);
    });

    it('reports a wrong status and missing keys, recursively and in the first value element', () => {
        const { cTag: _cTag, ...withoutCTag } = root.body as Record<string, unknown>;
        expect(
            compareWithExample(root, { status: 201, body: { ...withoutCTag, createdBy: { user: { id: 'x' } } } }),
        ).toEqual(['status: expected 200, got 201', '$.createdBy.user.displayName: missing', '$.cTag: missing']);
        const drives = examples[40];
        const body = drives.body as { value: Record<string, unknown>[] };
        const { quota: _quota, ...noQuota } = body.value[0];
        expect(compareWithExample(drives, { status: 200, body: { ...body, value: [noQuota] } })).toEqual([
            '$.value[0].quota: missing',
        ]);
        expect(compareWithExample(drives, { status: 200, body: { ...body, value: [] } })).toEqual([
            '$.value: expected at least one element',
        ]);
        expect(compareWithExample(drives, { status: 200, body: 'nope' })).toEqual([
            '$: expected an object, got string "nope"',
        ]);
    });
});
