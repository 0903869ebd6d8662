import { createSchemaRecorder } from '../../../dev/m365/schema';

describe('createSchemaRecorder', () => {
    it('collects issues per response and fails assertClean with the route and location', () => {
        const recorder = createSchemaRecorder();
        recorder.observeResponse({
            method: 'GET',
            path: '/v1.0/me/drive',
            status: 200,
            body: { id: 'd', driveType: 'business' },
        });
        expect(() => recorder.assertClean()).not.toThrow();
        recorder.observeResponse({
            method: 'GET',
            path: '/v1.0/me/drive/root',
            status: 200,
            body: { id: 'r', folder: { count: 1 } },
        });
        expect(recorder.observedCount()).toBe(2);
        expect(recorder.issues()).toEqual([
            {
                method: 'GET',
                path: '/v1.0/me/drive/root',
                status: 200,
                issue: { at: '$.folder.count', code: 'unknown-property', message: 'folder has no property "count"' },
            },
        ]);
        expect(() => recorder.assertClean()).toThrow(
            /GET \/v1\.0\/me\/drive\/root -> 200\n {2}\$\.folder\.count: \[unknown-property\]/,
        );
        recorder.reset();
        expect(recorder.issues()).toEqual([]);
        expect(recorder.observedCount()).toBe(0);
    });

    it('drops issues the suite declares acceptable', () => {
        const recorder = createSchemaRecorder({
            ignore: (observed, found) => observed.path.startsWith('/v1.0/teleport') && found.code === 'unresolved',
        });
        recorder.observeResponse({ method: 'GET', path: '/v1.0/teleport', status: 200, body: { a: 1 } });
        expect(recorder.issues()).toEqual([]);
    });
});
