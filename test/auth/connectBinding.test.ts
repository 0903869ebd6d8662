import type { TableClient } from '@azure/data-tables';
import { bindingCookie, bindingCookieName, cookiesAreSecure } from '../../lib/auth/browserBinding';
import { listTokenCachePartitions } from '../../lib/auth/tokenCache';
import type { DriveRecord } from '../../lib/drives/driveRecord';
import { getServices } from '../../lib/runtime/services';
import { completeSignIn, CookieJar, openAtService, type FlowEnd } from '../support/browser';
import { RETURN_URL, startConnectedService, type ConnectedService } from '../support/connectedService';

/**
 * A connection is bound to the browser that opened the connect link and, for personal drives, to the
 * person it is for (README "Security"). A forwarded link, or a callback finished in another browser,
 * ends on a clear error page with nothing stored: no token row, no account, no drive change.
 */
describe('connections bound to their browser and their person', () => {
    let svc: ConnectedService;
    let adele: { upn: string; oid: string };
    let megan: { upn: string; oid: string };

    const rows = async (table: TableClient) => {
        let n = 0;
        for await (const _ of table.listEntities({ queryOptions: { select: ['RowKey'] } })) n++;
        return n;
    };
    /** Rows of every table a sign-in writes: tokens, drives, states aside (they are consumed, not added). */
    async function stored(): Promise<{ tokens: number; drives: number }> {
        const services = await getServices();
        return {
            tokens: await rows(await services.tables.get('tokenCache')),
            drives: await rows(await services.tables.get('drives')),
        };
    }
    async function addDrive(body: Record<string, unknown>): Promise<{ drive: DriveRecord; connectUrl: string }> {
        const res = await svc.env.api('POST', '/api/drives', { body: { returnUrl: RETURN_URL, ...body } });
        expect(res.status).toBe(201);
        return res.body as { drive: DriveRecord; connectUrl: string };
    }
    const driveNow = async (id: string) => (await svc.env.api('GET', `/api/drives/${id}`)).body as DriveRecord;
    const pageCode = (end: FlowEnd) => /<code id="code">([^<]+)<\/code>/.exec(end.body)?.[1];
    async function partitions(): Promise<string[]> {
        const services = await getServices();
        return (await listTokenCachePartitions(await services.tables.get('tokenCache'), 'default')).map(
            (p) => p.homeAccountId,
        );
    }

    beforeAll(async () => {
        svc = await startConnectedService();
        expect((await svc.configure()).status).toBe(201);
        expect(
            (await svc.env.api('PATCH', '/api/manage/properties', { body: { AllowPersonalConnections: true } })).status,
        ).toBe(200);
        const u = svc.sim.demo.users;
        adele = { upn: u.adele.userPrincipalName, oid: u.adele.id };
        megan = { upn: u.megan.userPrincipalName, oid: u.megan.id };
    });
    afterAll(() => svc.stop());

    describe('bad input: a personal drive must name its person', () => {
        it.each([
            [{}, 'expected_user_required'],
            [{ expectedUser: 'not a user' }, 'invalid'],
            [{ expectedUser: '' }, 'invalid'],
        ])('POST /api/drives personal with %j: 400 %s, nothing stored', async (extra, code) => {
            const before = await stored();
            const res = await svc.env.api('POST', '/api/drives', {
                body: { name: 'Mine', kind: 'onedrive', scope: 'personal', platformUserId: 'p-1', ...extra },
            });
            expect(res.status).toBe(400);
            expect(res.body).toMatchObject({
                error: { code: 'validation_failed', details: [expect.objectContaining({ field: 'expectedUser' })] },
            });
            if (code === 'expected_user_required')
                expect((res.body as { error: { details: { code: string }[] } }).error.details[0]!.code).toBe(code);
            expect(await stored()).toEqual(before);
        });
    });

    // The hostile-request table of the connect flow: who opens what, where, and what must happen.
    describe('forwarded connect links', () => {
        it.each([
            ['UPN', () => adele.upn],
            ['object id', () => adele.oid],
        ])(
            'another person signing in on a link forwarded to them (expected user by %s): account_mismatch, nothing stored',
            async (_, expected) => {
                const { drive, connectUrl } = await addDrive({
                    name: 'Adele personal',
                    kind: 'onedrive',
                    scope: 'personal',
                    platformUserId: 'p-adele',
                    expectedUser: expected(),
                });
                const before = await stored();
                const end = await completeSignIn(connectUrl, megan.upn, svc.browser);
                expect(end.status).toBe(400);
                expect(pageCode(end)).toBe('account_mismatch');
                expect(end.body).toContain(megan.upn); // says who signed in; never who was expected
                expect(end.url.origin).not.toBe(new URL(RETURN_URL).origin); // a page, not a redirect on the person's behalf
                expect(await stored()).toEqual(before);
                expect(await driveNow(drive.id)).toMatchObject({ status: 'pending_connection' });
                expect((await driveNow(drive.id)).account).toBeUndefined();
            },
        );

        it('sends login_hint, and the sign-in page offers the expected account first; that person connects', async () => {
            const { drive, connectUrl } = await addDrive({
                name: 'Adele own',
                kind: 'onedrive',
                scope: 'personal',
                platformUserId: 'p-adele',
                expectedUser: adele.upn,
            });
            const browser = { ...svc.browser, cookies: new CookieJar() };
            const connect = await openAtService(new URL(connectUrl), browser);
            const authorize = new URL(connect.headers.get('location')!);
            expect(authorize.searchParams.get('login_hint')).toBe(adele.upn);
            expect(authorize.searchParams.get('prompt')).toBeNull();
            const page = await (await fetch(authorize)).text();
            expect(page).toMatch(new RegExp(`value="${adele.upn}" checked`));

            const end = await completeSignIn(authorize.href, adele.upn, browser);
            expect(end.url.searchParams.get('result')).toBe('connected');
            expect(await driveNow(drive.id)).toMatchObject({ status: 'connected', account: { username: adele.upn } });
        });

        it('a reconnect link of a personal drive is for its person by default: someone else gets account_mismatch', async () => {
            const { drive, connectUrl } = await addDrive({
                name: 'Adele reconnect',
                kind: 'onedrive',
                scope: 'personal',
                platformUserId: 'p-adele',
                expectedUser: adele.oid,
            });
            expect((await completeSignIn(connectUrl, adele.upn, svc.browser)).url.searchParams.get('result')).toBe(
                'connected',
            );
            const again = await svc.env.api('POST', `/api/drives/${drive.id}/reconnect`, { body: {} });
            const link = (again.body as { connectUrl: string }).connectUrl;
            const connect = await openAtService(new URL(link), svc.browser);
            expect(new URL(connect.headers.get('location')!).searchParams.get('login_hint')).toBe(adele.upn);

            const before = await stored();
            const tokensOfAdele = await partitions();
            const again2 = await svc.env.api('POST', `/api/drives/${drive.id}/reconnect`, { body: {} });
            const end = await completeSignIn(
                (again2.body as { connectUrl: string }).connectUrl,
                megan.upn,
                svc.browser,
            );
            expect(pageCode(end)).toBe('account_mismatch');
            expect(await stored()).toEqual(before);
            expect(await partitions()).toEqual(tokensOfAdele);
            expect(await driveNow(drive.id)).toMatchObject({ status: 'connected', account: { username: adele.upn } });
        });

        it('a callback finished in another browser (a forwarded authorize URL): browser_mismatch, nothing stored, the state survives', async () => {
            const { drive, connectUrl } = await addDrive({ name: 'Library', kind: 'sharepoint' });
            const browserA = new CookieJar();
            const connect = await openAtService(new URL(connectUrl), { ...svc.browser, cookies: browserA });
            expect(connect.status).toBe(302);
            const authorizeUrl = connect.headers.get('location')!;
            const before = await stored();

            const inB = await completeSignIn(authorizeUrl, megan.upn, { ...svc.browser, cookies: new CookieJar() });
            expect(inB.status).toBe(400);
            expect(pageCode(inB)).toBe('browser_mismatch');
            expect(inB.body).not.toContain('code='); // no authorization code echoed anywhere
            expect(await stored()).toEqual(before);
            expect(await driveNow(drive.id)).toMatchObject({ status: 'pending_connection' });

            // The browser that opened the link still finishes its own sign-in.
            const inA = await completeSignIn(authorizeUrl, megan.upn, { ...svc.browser, cookies: browserA });
            expect(inA.url.searchParams.get('result')).toBe('connected');
            expect(browserA.cookies.size).toBe(0); // the binding cookie is single-use: cleared by the callback
        });

        it("another sign-in's cookie does not open this one (two flows, one browser, crossed)", async () => {
            const first = await addDrive({ name: 'One', kind: 'sharepoint' });
            const second = await addDrive({ name: 'Two', kind: 'sharepoint' });
            const jar = new CookieJar();
            await openAtService(new URL(first.connectUrl), { ...svc.browser, cookies: jar });
            const victim = new CookieJar();
            const planted = await openAtService(new URL(second.connectUrl), { ...svc.browser, cookies: victim });
            // The first flow's browser gets the second flow's authorize URL (a login-CSRF attempt).
            const end = await completeSignIn(planted.headers.get('location')!, megan.upn, {
                ...svc.browser,
                cookies: jar,
            });
            expect(pageCode(end)).toBe('browser_mismatch');
        });
    });

    it('the binding cookie: HttpOnly, SameSite=Lax, Path=/, 10 minutes; Secure with __Host- on HTTPS', async () => {
        const { connectUrl } = await addDrive({ name: 'Cookie', kind: 'sharepoint' });
        const res = await openAtService(new URL(connectUrl), svc.browser);
        const [cookie] = res.headers.getSetCookie();
        expect(cookie).toMatch(/^spsync-oauth-[0-9a-f]{16}=[\w-]{43}; /);
        expect(cookie).toMatch(/; HttpOnly/);
        expect(cookie).toMatch(/; SameSite=Lax/);
        expect(cookie).toMatch(/; Path=\//);
        expect(cookie).toMatch(/; Max-Age=600/);
        // PUBLIC_BASE_URL is http://localhost here: the one case without Secure (it never leaves the machine).
        expect(cookie).not.toMatch(/; Secure/);

        expect(cookiesAreSecure('https://sync.contoso.com')).toBe(true);
        expect(cookiesAreSecure('http://sync.contoso.com')).toBe(true); // plain http elsewhere: the browser drops it
        expect(cookiesAreSecure('http://127.0.0.1:7071')).toBe(false);
        expect(bindingCookie('s', 'v', 'https://sync.contoso.com')).toMatchObject({
            name: bindingCookieName('s', true),
            secure: true,
            httpOnly: true,
            sameSite: 'Lax',
            path: '/',
        });
        expect(bindingCookieName('s', true)).toMatch(/^__Host-spsync-oauth-/);
    });

    it('sign-in pages cannot be framed and run no script (CSP frame-ancestors none)', async () => {
        const res = await svc.env.api('GET', '/oauth2/sharepoint/callback?state=nope&code=x', { key: false });
        expect(res.status).toBe(400);
        const csp = res.headers.get('content-security-policy')!;
        expect(csp).toContain("frame-ancestors 'none'");
        expect(csp).toContain("default-src 'none'");
        expect(csp).not.toMatch(/script-src|unsafe-inline/);
        expect(res.headers.get('x-frame-options')).toBe('DENY');
        expect(res.headers.get('referrer-policy')).toBe('no-referrer');
        const style = /<style>([^<]*)<\/style>/.exec(res.text)![1]!;
        const hash = require('node:crypto').createHash('sha256').update(style).digest('base64') as string;
        expect(csp).toContain(`'sha256-${hash}'`);
        expect(res.text).not.toMatch(/style="/);
    });
});
