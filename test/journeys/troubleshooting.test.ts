import { randomUUID } from 'node:crypto';
import { completeSignIn, openAtService } from '../support/browser';
import { RETURN_URL, startConnectedService, type ConnectedService } from '../support/connectedService';

/** Each troubleshooting entry of the admin guide, produced for real, with the code and hint it must show. */

interface Checkpoint {
    id: string;
    status: string;
    code?: string;
    hint?: string;
    evidence: string;
}

async function checkpoints(svc: ConnectedService): Promise<Record<string, Checkpoint>> {
    const res = await svc.env.api('GET', '/api/manage/integration/status?refresh=true');
    expect(res.status).toBe(200);
    return Object.fromEntries((res.body as { checkpoints: Checkpoint[] }).checkpoints.map((c) => [c.id, c]));
}

const HOUR = 3_600_000;

describe('troubleshooting: setup mistakes show their AADSTS code and hint', () => {
    let svc: ConnectedService;
    beforeAll(async () => (svc = await startConnectedService()));
    afterAll(() => svc.stop());

    it('"Invalid redirect URI": AADSTS50011 with the exact URI to register', async () => {
        await svc.configure({ redirectUri: 'https://intranet.example.com/oauth2/sharepoint/callback' });
        const c = await checkpoints(svc);
        expect(c.application).toMatchObject({ status: 'pass' });
        expect(c.redirect_uri).toMatchObject({
            status: 'fail',
            code: 'AADSTS50011',
            hint: expect.stringMatching(/redirect URI/i),
        });
        expect(c.redirect_uri!.evidence).toContain('https://intranet.example.com/oauth2/sharepoint/callback');
    });

    it('"Application not found": AADSTS700016', async () => {
        await svc.configure({ clientId: randomUUID() });
        const c = await checkpoints(svc);
        expect(c.application).toMatchObject({
            status: 'fail',
            code: 'AADSTS700016',
            hint: expect.stringMatching(/client\) ID/),
        });
        expect(c.client_secret).toMatchObject({ status: 'fail' });
    });

    it('wrong secret value: AADSTS7000215 says to paste the Value, not the ID', async () => {
        await svc.configure({ clientSecret: 'Wrong8Q~notTheRealSecretValue0123456789abc' });
        const c = await checkpoints(svc);
        expect(c.client_secret).toMatchObject({
            status: 'fail',
            code: 'AADSTS7000215',
            hint: expect.stringMatching(/Value/),
        });
    });

    it('"Authentication suddenly stopped working": an expired secret is AADSTS7000222', async () => {
        const { entra, clock } = svc.sim.simulator;
        const expired = entra.addClientSecret(svc.sim.demo.tenantId, svc.sim.demo.clientId, {
            endDateTime: clock.now() - HOUR,
            displayName: 'old',
        });
        await svc.configure({ clientSecret: expired.secretText });
        const c = await checkpoints(svc);
        expect(c.client_secret).toMatchObject({
            status: 'fail',
            code: 'AADSTS7000222',
            hint: expect.stringMatching(/new client secret/i),
        });
    });

    it('a secret expiring within 30 days is a warning with the days left', async () => {
        const soon = new Date(Date.now() + 10 * 86_400_000).toISOString();
        await svc.configure({ clientSecretExpiresOn: soon });
        const c = await checkpoints(svc);
        expect(c.client_secret).toMatchObject({ status: 'warn', evidence: expect.stringMatching(/in (9|10) days/) });
        await svc.configure();
        expect((await checkpoints(svc)).client_secret!.status).toBe('pass');
    });
});

describe('troubleshooting: connecting and staying connected', () => {
    let svc: ConnectedService;
    beforeAll(async () => {
        svc = await startConnectedService();
        await svc.configure();
    });
    afterAll(() => svc.stop());
    afterEach(() => jest.useRealTimers());

    const adele = () => svc.sim.demo.users.adele.userPrincipalName;
    const megan = () => svc.sim.demo.users.megan.userPrincipalName;

    it('"Insufficient permissions": missing admin consent stops on Entra\'s "Need admin approval" page; backing out returns access_denied, and no drive is half-connected', async () => {
        const { entra } = svc.sim.simulator;
        entra.revokeAdminConsent(svc.sim.demo.tenantId, svc.sim.demo.clientId, ['Files.ReadWrite.All']);
        try {
            // Entra's own page (AADSTS90094): the service hears nothing while the person reads it.
            const stays = await svc.connectDrive({ name: 'No consent', kind: 'onedrive' }, adele());
            expect(stays.end.status).toBe(200);
            expect(stays.end.body).toContain('Need admin approval');
            expect(stays.end.body).toContain('AADSTS90094');
            expect(stays.end.history.some((u) => u.pathname === '/oauth2/sharepoint/callback')).toBe(false);
            expect(stays.drive).toMatchObject({ status: 'pending_connection' });

            // "Return to the application without granting consent": access_denied reaches the platform.
            const { drive, end } = await svc.connectDrive(
                { name: 'No consent, backed out', kind: 'onedrive' },
                adele(),
                'accept',
                'return',
            );
            expect(end.url.origin + end.url.pathname).toBe(RETURN_URL);
            expect(end.url.searchParams.get('result')).toBe('error');
            expect(end.url.searchParams.get('code')).toBe('access_denied');
            expect(drive).toMatchObject({ status: 'pending_connection' });
            expect(drive.account).toBeUndefined();
        } finally {
            entra.grantAdminConsent(svc.sim.demo.tenantId, svc.sim.demo.clientId, ['Files.ReadWrite.All']);
        }
    });

    it('cancelling the sign-in returns access_denied to the platform', async () => {
        const { drive, end } = await svc.connectDrive({ name: 'Cancelled', kind: 'onedrive' }, adele(), 'cancel');
        expect(end.url.searchParams.get('code')).toBe('access_denied');
        expect(drive.status).toBe('pending_connection');
    });

    it('a replayed, forged or missing state gets a page with a code, never a stack trace', async () => {
        const { end } = await svc.connectDrive({ name: 'Replay', kind: 'onedrive' }, adele());
        expect(end.url.searchParams.get('result')).toBe('connected');
        const callback = end.history.find((u) => u.pathname === '/oauth2/sharepoint/callback')!;
        const replay = await openAtService(callback, svc.browser);
        expect(replay.status).toBe(400);
        expect(replay.headers.get('x-error-code')).toBe('state_replayed');
        expect(await replay.text()).not.toMatch(/at \w+ \(|Error:/);

        const forged = new URL(callback);
        forged.searchParams.set('state', 'forged-state-value');
        expect((await openAtService(forged, svc.browser)).headers.get('x-error-code')).toBe('state_invalid');
        const missing = new URL(callback);
        missing.searchParams.delete('state');
        expect((await openAtService(missing, svc.browser)).headers.get('x-error-code')).toBe('state_missing');
    });

    it('a used connect link cannot start a second sign-in', async () => {
        const added = await svc.env.api('POST', '/api/drives', { body: { name: 'Once', kind: 'onedrive' } });
        const connectUrl = new URL((added.body as { connectUrl: string }).connectUrl);
        expect((await openAtService(connectUrl, svc.browser)).status).toBe(302);
        const again = await openAtService(connectUrl, svc.browser);
        expect(again.status).toBe(410);
        expect(again.headers.get('x-error-code')).toBe('state_replayed');
    });

    it('"Unable to connect to SharePoint sites": a user without access to the site cannot select its library', async () => {
        const { drive } = await svc.connectDrive({ name: 'No access', kind: 'sharepoint' }, megan());
        svc.sim.graph.setSiteMember(svc.sim.content.site.id, svc.sim.demo.users.megan.id, undefined);
        try {
            const libs = await svc.env.api(
                'GET',
                `/api/manage/sites/${encodeURIComponent(svc.sim.content.site.id)}/drives?driveId=${drive.id}`,
            );
            expect(libs.status).toBe(403);
            expect(libs.body).toMatchObject({
                error: { code: 'site_not_accessible', hint: expect.stringMatching(/read access/) },
            });
        } finally {
            svc.sim.graph.setSiteMember(svc.sim.content.site.id, svc.sim.demo.users.megan.id, 'write');
        }
    });

    it('a connected library whose site access is removed becomes access_lost on the next check', async () => {
        const { drive } = await svc.connectDrive({ name: 'Losing access', kind: 'sharepoint' }, megan());
        await svc.selectLibrary(drive.id);
        svc.sim.graph.setSiteMember(svc.sim.content.site.id, svc.sim.demo.users.megan.id, undefined);
        try {
            const checked = await svc.env.api('GET', `/api/drives/${drive.id}?refresh=true`);
            expect(checked.body).toMatchObject({
                status: 'access_lost',
                statusCause: { code: 'access_lost', hint: expect.stringMatching(/read access/) },
            });
        } finally {
            svc.sim.graph.setSiteMember(svc.sim.content.site.id, svc.sim.demo.users.megan.id, 'write');
        }
    });

    /** Moves both clocks (ours and the simulator's) past the access token's lifetime, so MSAL must refresh. */
    function afterTokenExpiry(): void {
        const later = svc.sim.simulator.clock.now() + 2 * HOUR;
        svc.sim.simulator.clock.set(later);
        jest.useFakeTimers({
            now: later,
            doNotFake: [
                'nextTick',
                'setImmediate',
                'setTimeout',
                'setInterval',
                'clearTimeout',
                'clearInterval',
                'clearImmediate',
                'queueMicrotask',
                'hrtime',
                'performance',
            ],
        });
    }

    it('"Drive stopped working after staff change": a disabled account makes the drive needs_reauth with its cause', async () => {
        const { drive } = await svc.connectDrive({ name: 'Staff change', kind: 'onedrive' }, adele());
        expect(drive.status).toBe('connected');
        svc.sim.simulator.entra.updateUser(svc.sim.demo.tenantId, adele(), { accountEnabled: false });
        try {
            afterTokenExpiry();
            const checked = await svc.env.api('GET', `/api/drives/${drive.id}?refresh=true`);
            expect(checked.body).toMatchObject({
                status: 'needs_reauth',
                statusCause: { code: 'account_disabled', hint: expect.stringMatching(/active account/) },
            });
            const status = await checkpoints(svc);
            expect(status.drives).toMatchObject({
                status: 'fail',
                evidence: expect.stringContaining('account_disabled'),
            });
        } finally {
            svc.sim.simulator.entra.updateUser(svc.sim.demo.tenantId, adele(), { accountEnabled: true });
        }
    });

    it('a password change revokes the sign-in: needs_reauth (credentials_changed), and reconnecting the same drive fixes it', async () => {
        const { drive } = await svc.connectDrive({ name: 'Password change', kind: 'onedrive' }, megan());
        svc.sim.simulator.clock.advance(60_000); // the reset happens a minute after the sign-in
        svc.sim.simulator.entra.changePassword(svc.sim.demo.tenantId, megan());
        afterTokenExpiry();
        const checked = await svc.env.api('GET', `/api/drives/${drive.id}?refresh=true`);
        expect(checked.body).toMatchObject({
            status: 'needs_reauth',
            statusCause: { code: 'credentials_changed', hint: expect.stringMatching(/Reconnect/) },
        });

        const link = await svc.env.api('POST', `/api/drives/${drive.id}/reconnect`, {
            body: { returnUrl: RETURN_URL },
        });
        const end = await completeSignIn((link.body as { connectUrl: string }).connectUrl, megan(), svc.browser);
        expect(end.url.searchParams.get('result')).toBe('connected');
        expect((await svc.env.api('GET', `/api/drives/${drive.id}?refresh=true`)).body).toMatchObject({
            id: drive.id,
            status: 'connected',
        });
    });

    it('"shared token cache" disconnects cannot happen: re-signing-in one drive never logs another out', async () => {
        const first = await svc.connectDrive({ name: 'Megan A', kind: 'onedrive' }, megan());
        const second = await svc.connectDrive({ name: 'Megan B', kind: 'onedrive' }, megan());
        const reconnect = await svc.env.api('POST', `/api/drives/${second.drive.id}/reconnect`, {
            body: { returnUrl: RETURN_URL },
        });
        const end = await completeSignIn((reconnect.body as { connectUrl: string }).connectUrl, megan(), svc.browser);
        expect(end.url.searchParams.get('result')).toBe('connected');
        await svc.configure(); // saving settings again, as the guide's failure story does
        for (const id of [first.drive.id, second.drive.id]) {
            expect((await svc.env.api('GET', `/api/drives/${id}?refresh=true`)).body).toMatchObject({
                status: 'connected',
            });
        }
    });
});
