import { RETURN_URL, startConnectedService, type ConnectedService } from '../support/connectedService';

interface Status {
    status: string;
    checkpoints: { id: string; status: string; code?: string; hint?: string; evidence: string }[];
}

function byId(status: Status): Record<string, Status['checkpoints'][number]> {
    return Object.fromEntries(status.checkpoints.map((c) => [c.id, c]));
}

describe('admin setup journey against the Microsoft 365 simulator', () => {
    let svc: ConnectedService;
    beforeAll(async () => (svc = await startConnectedService()));
    afterAll(() => svc.stop());

    it('configures the integration with the tenant given as its domain', async () => {
        const res = await svc.configure({ tenantId: svc.sim.demo.domain });
        expect(res.status).toBe(201);
        expect(res.body).toMatchObject({ tenantId: svc.sim.demo.tenantId, tenantDomain: svc.sim.demo.domain });
    });

    it('shows every checkpoint green (consent and drives pending until a drive connects)', async () => {
        const res = await svc.env.api('GET', '/api/manage/integration/status?refresh=true');
        expect(res.status).toBe(200);
        const c = byId(res.body as Status);
        expect(c.tenant!.status).toBe('pass');
        expect(c.application!.status).toBe('pass');
        expect(c.redirect_uri!.status).toBe('pass');
        expect(c.client_secret!.status).toBe('pass');
        expect(c.key_vault!.status).toBe('pass');
        expect(c.consent!.status).toBe('pending');
        expect(c.drives!.status).toBe('pending');
    });

    it('connects a OneDrive through the sign-in page and lands back on the platform', async () => {
        const { drive, end } = await svc.connectDrive(
            { name: 'Adele OneDrive', kind: 'onedrive' },
            svc.sim.demo.users.adele.userPrincipalName,
        );
        expect(end.url.origin + end.url.pathname).toBe(RETURN_URL);
        expect(Object.fromEntries(end.url.searchParams)).toMatchObject({
            result: 'connected',
            driveId: drive.id,
            status: 'connected',
        });
        expect(drive).toMatchObject({
            status: 'connected',
            kind: 'onedrive',
            account: { username: expect.stringMatching(/^AdeleV@/) },
            graph: { driveType: 'business' },
        });
    });

    it('connects a SharePoint library: sign in, search the site, pick the library', async () => {
        const { drive } = await svc.connectDrive(
            { name: 'Intranet documents', kind: 'sharepoint' },
            svc.sim.demo.users.megan.userPrincipalName,
        );
        expect(drive.status).toBe('needs_library');
        const sites = await svc.env.api('GET', `/api/manage/sites?search=Intranet&driveId=${drive.id}`);
        expect((sites.body as { value: { id: string }[] }).value.map((s) => s.id)).toContain(svc.sim.content.site.id);
        const connected = await svc.selectLibrary(drive.id, 'Documents');
        expect(connected).toMatchObject({
            status: 'connected',
            graph: { driveType: 'documentLibrary', name: 'Documents' },
        });
    });

    it('then shows consent and drives green too', async () => {
        const c = byId((await svc.env.api('GET', '/api/manage/integration/status?refresh=true')).body as Status);
        expect(c.consent!.status).toBe('pass');
        expect(c.drives!.status).toBe('pass');
    });

    it('saving unchanged settings disconnects nothing', async () => {
        const res = await svc.configure({ tenantId: svc.sim.demo.domain });
        expect(res.body).toMatchObject({ changed: [] });
        const drives = (await svc.env.api('GET', '/api/drives')).body as { value: { id: string }[] };
        for (const d of drives.value) {
            expect((await svc.env.api('GET', `/api/drives/${d.id}?refresh=true`)).body).toMatchObject({
                status: 'connected',
            });
        }
    });
});
