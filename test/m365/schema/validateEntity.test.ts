import {
    validateGraphActionBody,
    validateGraphEntity,
    validateGraphError,
    validateGraphRequestBody,
    type ValidationIssue,
} from '../../../dev/m365/schema';

/** `at code` pairs: compact and order-preserving, so a wrong location fails as clearly as a wrong code. */
const codes = (issues: ValidationIssue[]) => issues.map((i) => `${i.at} ${i.code}`);

/** A business-drive file as the simulator should send it (graph-sync.md section 5.1). */
const file = () => ({
    '@odata.context': "https://graph.microsoft.com/v1.0/$metadata#drives('b!x')/items/$entity",
    '@microsoft.graph.downloadUrl': 'https://localhost:8443/download/abc?token=t',
    id: '01ABCDEF',
    name: 'report.docx',
    eTag: '"{3E1A5B1C-1C2D-4E5F-8A9B-0C1D2E3F4A5B},3"',
    cTag: '"c:{3E1A5B1C-1C2D-4E5F-8A9B-0C1D2E3F4A5B},2"',
    size: 1048576,
    createdDateTime: '2024-05-01T10:00:00Z',
    lastModifiedDateTime: '2024-05-01T10:00:05.123+02:00',
    parentReference: { driveId: 'b!x', driveType: 'business', id: '01PARENT', path: '/drives/b!x/root:' },
    fileSystemInfo: { createdDateTime: '2024-05-01T10:00:00Z', lastModifiedDateTime: '2024-05-01T10:00:00Z' },
    file: { mimeType: 'application/octet-stream', hashes: { quickXorHash: 'AAAAAAAAAAAAAAAAAAAAAAAAAAA=' } },
    createdBy: { user: { id: 'u1', displayName: 'Ada', email: 'ada@contoso.com' } },
});

describe('validateGraphEntity', () => {
    it('accepts a well-formed driveItem with annotations and inherited properties', () => {
        expect(validateGraphEntity('driveItem', file())).toEqual([]);
        expect(
            validateGraphEntity('microsoft.graph.driveItem', { id: 'r', root: {}, folder: { childCount: 3 } }),
        ).toEqual([]);
    });

    it('accepts expanded navigation properties and property-scoped annotations', () => {
        const folder = {
            id: 'f',
            folder: { childCount: 1 },
            children: [file()],
            'children@odata.nextLink': 'https://localhost/next',
            thumbnails: [{ id: '0', small: { url: 'https://localhost/t', width: 96, height: 96 } }],
        };
        expect(validateGraphEntity('driveItem', folder)).toEqual([]);
    });

    it('rejects unknown properties, including on open types such as driveItem', () => {
        expect(codes(validateGraphEntity('driveItem', { ...file(), sizeInBytes: 3 }))).toEqual([
            '$.sizeInBytes unknown-property',
        ]);
        expect(codes(validateGraphEntity('driveItem', { id: 'a', file: { mimetype: 'text/plain' } }))).toEqual([
            '$.file.mimetype unknown-property',
        ]);
        expect(validateGraphEntity('driveItem', { id: 'a', x: 1 }, { allowOpenTypeProperties: true })).toEqual([]);
    });

    it('rejects wrong primitive types', () => {
        const bad = { id: 7, size: '10', folder: { childCount: 1.5 }, parentReference: { driveId: ['b'] } };
        expect(codes(validateGraphEntity('driveItem', bad))).toEqual([
            '$.id type',
            '$.size type',
            '$.folder.childCount type',
            '$.parentReference.driveId type',
        ]);
        expect(codes(validateGraphEntity('driveItem', { id: 'a', folder: { childCount: 2 ** 31 } }))).toEqual([
            '$.folder.childCount type',
        ]);
    });

    it('rejects bad dates: no offset, impossible calendar days, wrong types', () => {
        const dates = ['2024-05-01T10:00:00', '2024-02-30T10:00:00Z', '2024-13-01T00:00:00Z', '1714557600000'];
        for (const createdDateTime of dates) {
            expect(codes(validateGraphEntity('driveItem', { id: 'a', createdDateTime }))).toEqual([
                '$.createdDateTime type',
            ]);
        }
        expect(codes(validateGraphEntity('driveItem', { id: 'a', createdDateTime: 1714557600000 }))).toEqual([
            '$.createdDateTime type',
        ]);
    });

    it('rejects bad enum members', () => {
        const props = (application: unknown) => ({ name: 'a.txt', driveItemSource: { application } });
        expect(validateGraphEntity('driveItemUploadableProperties', props('teams'))).toEqual([]);
        expect(codes(validateGraphEntity('driveItemUploadableProperties', props('dropbox')))).toEqual([
            '$.driveItemSource.application enum',
        ]);
    });

    it('rejects null where Nullable="false", and nulls in collections of non-nullable elements', () => {
        expect(codes(validateGraphEntity('driveItem', { id: null, createdDateTime: null, description: null }))).toEqual(
            ['$.id null', '$.createdDateTime null'],
        );
    });

    it('checks annotation namespaces and values', () => {
        expect(
            codes(validateGraphEntity('driveItem', { id: 'a', '@microsoft.graph.downloadUrl': 'relative/path' })),
        ).toEqual(['$.@microsoft.graph.downloadUrl annotation']);
        expect(codes(validateGraphEntity('driveItem', { id: 'a', '@custom.thing': 1, 'nope@odata.count': 2 }))).toEqual(
            ['$.@custom.thing unknown-property', '$.nope@odata.count unknown-property'],
        );
    });

    it('follows @odata.type casts only to derived types', () => {
        expect(
            validateGraphEntity('baseItem', { '@odata.type': '#microsoft.graph.driveItem', id: 'a', size: 1 }),
        ).toEqual([]);
        expect(codes(validateGraphEntity('driveItem', { '@odata.type': '#microsoft.graph.drive', id: 'a' }))).toEqual([
            '$.@odata.type type',
        ]);
    });

    it('reports unknown type names', () => {
        expect(codes(validateGraphEntity('driveThing', {}))).toEqual(['$ unknown-type']);
    });
});

describe('request bodies', () => {
    it('validates driveItem creation with a conflictBehavior annotation', () => {
        const create = { name: 'New Folder', folder: {}, '@microsoft.graph.conflictBehavior': 'rename' };
        expect(validateGraphRequestBody('driveItem', create)).toEqual([]);
        expect(
            codes(
                validateGraphRequestBody('driveItem', { ...create, '@microsoft.graph.conflictBehavior': 'overwrite' }),
            ),
        ).toEqual(['$.@microsoft.graph.conflictBehavior annotation']);
    });

    it('validates subscription creation', () => {
        const subscription = {
            changeType: 'updated',
            notificationUrl: 'https://localhost/hook',
            resource: '/me/drive/root',
            expirationDateTime: '2024-05-03T10:00:00Z',
            clientState: 'secret',
        };
        expect(validateGraphRequestBody('subscription', subscription)).toEqual([]);
        expect(
            codes(validateGraphRequestBody('subscription', { ...subscription, expirationDateTime: 'tomorrow' })),
        ).toEqual(['$.expirationDateTime type']);
    });

    it('validates createUploadSession parameters against the bound action', () => {
        const body = { item: { '@microsoft.graph.conflictBehavior': 'replace', name: 'a.bin', fileSize: 10 } };
        expect(validateGraphActionBody('driveItem', 'createUploadSession', body)).toEqual([]);
        expect(
            codes(validateGraphActionBody('driveItem', 'createUploadSession', { item: { size: 1 }, defer: true })),
        ).toEqual(['$.item.size unknown-property', '$.defer unknown-property']);
        expect(codes(validateGraphActionBody('driveItem', 'noSuchAction', {}))).toEqual(['$ unknown-type']);
    });
});

describe('validateGraphError', () => {
    it('accepts both inner-error spellings', () => {
        const inner = { code: 'fragmentOverlap', 'request-id': 'r', date: '2024-05-01T10:00:00' };
        expect(validateGraphError({ error: { code: 'invalidRange', message: 'overlap', innererror: inner } })).toEqual(
            [],
        );
        expect(
            validateGraphError({ error: { code: 'x', message: 'y', innerError: { innererror: { code: 'z' } } } }),
        ).toEqual([]);
    });

    it('rejects bodies that are not Graph errors', () => {
        expect(codes(validateGraphError({ message: 'oops' }))).toEqual(['$.message unknown-property', '$.error shape']);
        expect(codes(validateGraphError({ error: { code: '', message: 3, status: 400 } }))).toEqual([
            '$.error.status unknown-property',
            '$.error.code shape',
            '$.error.message shape',
        ]);
    });
});
