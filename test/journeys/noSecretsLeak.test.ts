import { randomUUID } from 'node:crypto';
import { RETURN_URL, startConnectedService, type ConnectedService } from '../support/connectedService';

/**
 * Runs the setup journey (including failures) while capturing every log line the host and the handlers
 * wrote and every response the platform received, then looks for anything secret in them.
 */
describe('no secret, token, code or verifier in logs or responses', () => {
    const logLines: string[] = [];
    let svc: ConnectedService;
    const seen = { codes: [] as string[], callbackUrls: [] as string[] };

    beforeAll(async () => {
        svc = await startConnectedService({ logLines });
        await svc.configure();
        for (const [name, kind, login] of [
            ['Leak check OneDrive', 'onedrive', svc.sim.demo.users.adele.userPrincipalName],
            ['Leak check library', 'sharepoint', svc.sim.demo.users.megan.userPrincipalName],
        ] as const) {
            const { end } = await svc.connectDrive({ name, kind }, login);
            for (const u of end.history) {
                if (u.pathname === '/oauth2/sharepoint/callback') {
                    seen.callbackUrls.push(u.href);
                    const code = u.searchParams.get('code');
                    if (code) seen.codes.push(code);
                }
            }
        }
        // Failures log too: a wrong secret, a bad PUT, a callback replay.
        await svc.configure({ clientSecret: 'Leak8Q~wrongSecretValueThatMustNotAppear0' });
        await svc.env.api('GET', '/api/manage/integration/status?refresh=true');
        await svc.env.api('PUT', '/api/manage/integration', {
            body: {
                tenantId: 'x',
                clientId: randomUUID(),
                clientSecret: 'Leak8Q~anotherSecretThatMustNotAppear1',
                clientSecretExpiresOn: '2020-01-01',
            },
        });
        await svc.configure();
        await svc.env.api('GET', `/api/drives`);
    });
    afterAll(() => svc.stop());

    function haystack(): string {
        return [...logLines, ...svc.env.transcript].join('\n');
    }

    it('captured something (the check is connected)', () => {
        expect(svc.env.transcript.length).toBeGreaterThan(5);
        expect(seen.codes.length).toBe(2);
        expect(logLines.length).toBeGreaterThan(5);
        expect(RETURN_URL).toBeTruthy();
    });

    it('has no client secret value', () => {
        const all = haystack();
        for (const secret of [
            svc.sim.demo.clientSecret,
            'Leak8Q~wrongSecretValueThatMustNotAppear0',
            'Leak8Q~anotherSecretThatMustNotAppear1',
        ]) {
            expect(all).not.toContain(secret);
        }
    });

    it('has no JWT (access, refresh or id token) and no bearer header value', () => {
        expect(haystack()).not.toMatch(/eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}\./);
        expect(haystack()).not.toMatch(/Bearer\s+(?!\[redacted\])[A-Za-z0-9._-]{20,}/);
    });

    it('has no authorization code', () => {
        const all = haystack();
        for (const code of seen.codes) expect(all).not.toContain(code);
    });

    it('has no PKCE verifier or OAuth state', async () => {
        const table = await (
            await import('../../lib/runtime/services')
        )
            .getServices()
            .then((s) => s.tables.get('oauthStates'));
        const all = haystack();
        let checked = 0;
        for await (const row of table.listEntities<{ document: string }>()) {
            const doc = JSON.parse(row.document) as { codeVerifier?: string };
            if (doc.codeVerifier) {
                expect(all).not.toContain(doc.codeVerifier);
                checked++;
            }
        }
        expect(checked).toBeGreaterThan(0);
        for (const url of seen.callbackUrls) expect(all).not.toContain(new URL(url).searchParams.get('state')!);
    });

    it('has no SAS signature or account key', () => {
        expect(haystack()).not.toMatch(/[?&]sig=(?!\[redacted\])[A-Za-z0-9%]{10,}/);
        expect(haystack()).not.toMatch(/AccountKey=(?!\[redacted\])[A-Za-z0-9+/]{20,}/);
    });
});
