import { compareWithExample, createSchemaRecorder, loadDocsExamples, type DocsExample } from '../../../dev/m365/schema';
import { basicWorld, startHarness, type Harness } from '../graph/support/harness';

/**
 * End-to-end oracle: replays the Graph docs examples the simulator supports against it (alice's
 * OneDrive as /me/drive, the Intranet site) and requires (1) the docs' status and a superset of the
 * docs' keys, (2) every JSON body the simulator sent during the run to validate against the v1.0 CSDL.
 */
interface Replay {
    example: number;
    method: string;
    path: (w: World) => string;
    body?: unknown;
}

interface World {
    driveId: string;
    siteId: string;
    fileId: string;
    folderId: string;
}

const REPLAYS: Replay[] = [
    { example: 42, method: 'GET', path: () => '/v1.0/me/drive' },
    { example: 40, method: 'GET', path: () => '/v1.0/me/drives' },
    { example: 35, method: 'GET', path: () => '/v1.0/me/drive/root' },
    {
        example: 16,
        method: 'POST',
        path: () => '/v1.0/me/drive/root/children',
        body: { name: 'New Folder', folder: {}, '@microsoft.graph.conflictBehavior': 'rename' },
    },
    // The docs put into a missing FolderA; whether Graph creates missing parents is left to the Graph half's tests.
    {
        example: 15,
        method: 'PUT',
        path: () => '/v1.0/me/drive/root:/Docs/FileB.txt:/content',
        body: 'The contents of the file goes here.',
    },
    { example: 26, method: 'GET', path: (w) => `/v1.0/drives/${w.driveId}/items/${w.fileId}` },
    { example: 19, method: 'GET', path: (w) => `/v1.0/drives/${w.driveId}/root:/Docs:/children?$top=1` },
    { example: 21, method: 'GET', path: () => '/v1.0/me/drive/root/delta?$top=1' },
    { example: 9, method: 'GET', path: () => '/v1.0/me/drive/root/delta?token=latest' },
    { example: 13, method: 'GET', path: (w) => `/v1.0/me/drive/items/${w.fileId}/content` },
    {
        example: 28,
        method: 'PATCH',
        path: (w) => `/v1.0/me/drive/items/${w.fileId}`,
        body: { name: 'new-item-name.txt' },
    },
    { example: 27, method: 'DELETE', path: (w) => `/v1.0/me/drive/items/${w.folderId}` },
    { example: 44, method: 'GET', path: (w) => `/v1.0/sites/${w.siteId}` },
];
// Not replayed: 14 (the docs show 201 for a PUT to an existing item's content; Graph and the
// simulator answer 200 for a replace), subscriptions 31-33/36/37 (need a webhook receiver that
// echoes validation tokens; covered by the Graph half's own tests), and routes the sync service
// does not use (shares, search, sharedWithMe, recent, special folders, copy, checkout, content types).

/**
 * Differences from the docs the simulator has today, with the reason. The test requires exactly
 * these, so fixing one (or regressing elsewhere) shows up here and the entry must go.
 */
const KNOWN_DIFFERENCES: Record<number, { differences: string[]; reason: string }> = {
    40: {
        differences: ['status: expected 200, got 400', '$.@odata.context: missing', '$.value: missing'],
        reason: 'GAP: /me/drives is not routed yet',
    },
    44: { differences: ['$.isPersonalSite: missing'], reason: 'GAP: site lacks isPersonalSite' },
};

describe('Graph docs examples against the simulator', () => {
    const examples = loadDocsExamples();
    const recorder = createSchemaRecorder();
    let h: Harness;
    let token: string;
    let world: World;

    beforeAll(async () => {
        h = await startHarness('docs-oracle');
        const { siteId, oneDriveId } = basicWorld(h);
        const file = h.api.putFile(oneDriveId, '/Docs/report.txt', 'hello');
        h.api.putFile(oneDriveId, '/Docs/second.txt', 'world');
        const folder = h.api.mkdirp(oneDriveId, '/Old');
        world = { driveId: oneDriveId, siteId, fileId: file.id, folderId: folder.id };
        token = h.userToken('u-alice');
    });

    afterAll(async () => {
        await h?.close();
    });

    it.each(REPLAYS.map((r) => [r.example, examples[r.example].method, examples[r.example].route, r] as const))(
        'example %i: %s %s',
        async (_index, _method, _route, replay) => {
            const example: DocsExample = examples[replay.example];
            expect(replay.method).toBe(example.method);
            const res = await h.request(replay.method, replay.path(world), { token, body: replay.body });
            const differences = compareWithExample(example, { status: res.status, body: res.json ?? null });
            expect(differences).toEqual(KNOWN_DIFFERENCES[replay.example]?.differences ?? []);
        },
    );

    it('sent only schema-valid bodies', () => {
        for (const observed of h.observed) recorder.observeResponse(observed);
        expect(recorder.observedCount()).toBeGreaterThanOrEqual(REPLAYS.length - 2);
        recorder.assertClean();
    });
});
