import { slotAt, SLOTS_PER_HOUR, writeHealthCheckpoint } from '../../lib/drives/healthSlots';
import { sweepDriveHealth } from '../../lib/drives/healthSweep';
import type { Logger } from '../../lib/logging/logger';
import { getServices } from '../../lib/runtime/services';
import type { AlertRecord } from '../../lib/alerts';
import { acquireAppGraphToken } from '../../lib/credentials/appOnly/appToken';
import type { DriveRecord } from '../../lib/drives/driveRecord';
import { requireIntegration } from '../../lib/integration/integrationSettings';
import { startHarness, type Harness } from './harness';

interface Status {
    checkpoints: { id: string; status: string; evidence: string; code?: string; hint?: string }[];
}

describe('app-only least-privilege mode (Sites.Selected with per-site grants)', () => {
    let h: Harness;
    let finance: { siteId: string; libraryId: string };
    let drive: DriveRecord;
    beforeAll(async () => {
        h = await startHarness();
        await h.configure();
        h.sim.entra.updateApp(h.demo.tenantId, h.demo.clientId, { grantedRoles: ['Sites.Selected'] });
        const site = h.graph.createSite({ tenantId: h.demo.tenantId, name: 'Finance', description: 'Finance team' });
        finance = { siteId: site.id, libraryId: h.graph.createLibrary(site.id, 'Ledgers').id };
        h.graph.putFile(finance.libraryId, '/2026/q1.csv', 'confidential');
    });
    afterAll(() => h.stop());

    const addAppDrive = (siteId: string, graphDriveId: string) =>
        h.api('POST', '/api/manage/integration/app-drives', { name: 'Intranet (app-only)', siteId, graphDriveId });
    const appOnlyCheckpoint = async () =>
        ((await h.api('GET', '/api/manage/integration/status?refresh=true')).body as Status).checkpoints.find(
            (c) => c.id === 'app_only_sites',
        );

    it('refuses a library on a site the app was not granted, with the grant to make', async () => {
        const res = await addAppDrive(h.content.site.id, h.content.documentsDriveId);
        expect(res.status).toBe(403);
        expect(res.body).toMatchObject({
            error: {
                code: 'site_not_granted',
                hint: expect.stringContaining(`/sites/${h.content.site.id}/permissions`),
            },
        });
        expect((await h.api('GET', '/api/drives')).body).toMatchObject({ value: [] });
    });

    it('adds a drive on a granted site: no account, app token, healthy', async () => {
        h.graph.grantSiteToApp(h.content.site.id, h.demo.clientId, 'write');
        const res = await addAppDrive(h.content.site.id, h.content.documentsDriveId);
        expect(res.status).toBe(201);
        drive = (res.body as { drive: DriveRecord }).drive;
        expect(drive).toMatchObject({
            auth: 'app',
            kind: 'sharepoint',
            status: 'connected',
            graph: { driveId: h.content.documentsDriveId, driveType: 'documentLibrary', name: 'Documents' },
        });
        expect(drive.account).toBeUndefined();
        expect(await h.health(drive.id)).toMatchObject({ status: 'connected' });
    });

    it('the app token reaches the granted site only', async () => {
        const services = await h.services();
        const token = await acquireAppGraphToken(services, await requireIntegration(services));
        expect(JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString())).toMatchObject({
            roles: ['Sites.Selected'],
            idtyp: 'app',
        });
        const read = (driveId: string) =>
            fetch(`${h.sim.graphBaseUrl}/drives/${driveId}/root/children`, {
                headers: { authorization: `Bearer ${token}` },
            });
        expect((await read(h.content.documentsDriveId)).status).toBe(200);
        expect((await read(finance.libraryId)).status).toBe(403);
    });

    it("syncs the app-only drive both ways with the application's token (no account), on its schedule only", async () => {
        h.graph.putFile(h.content.documentsDriveId, '/AppOnly/from-sharepoint.txt', 'down with the app token');
        const started = await h.api('POST', `/api/drives/${drive.id}/sync`);
        expect(started.status).toBe(202);
        const runId = (started.body as { runId: string }).runId;
        const run = await waitFor(async () => {
            const r = (await h.api('GET', `/api/drives/${drive.id}/runs/${runId}`)).body as {
                run: { status: string; error?: unknown };
            };
            return ['succeeded', 'failed'].includes(r.run.status) ? r.run : undefined;
        });
        expect(run).toMatchObject({ status: 'succeeded' });
        // The transfer queue runs on the local host: the file lands in the platform store.
        const listed = await waitFor(async () => {
            const items = (await h.api('GET', `/api/drives/${drive.id}/items?path=AppOnly`)).body as {
                value?: { name: string }[];
            };
            return items.value?.some((i) => i.name === 'from-sharepoint.txt') ? items.value : undefined;
        });
        expect(listed.map((i) => i.name)).toContain('from-sharepoint.txt');
        // Notifications need an account's subscription: the drive says it syncs on its schedule.
        expect(await h.api('GET', `/api/drives/${drive.id}`)).toMatchObject({
            body: { notifications: { state: 'unavailable', reason: { code: 'app_only_drive' } } },
        });
    });

    it('status lists the granted site and verifies that ungranted sites are not readable', async () => {
        // A delegated drive syncs the Finance site: the service knows it exists, the app must not read it.
        h.graph.setSiteMember(finance.siteId, h.demo.users.megan.id, 'write');
        const ledgers = await h.connectDrive(
            { name: 'Finance ledgers', kind: 'sharepoint' },
            h.demo.users.megan.userPrincipalName,
        );
        expect(
            (
                await h.api('PATCH', `/api/drives/${ledgers.id}`, {
                    siteId: finance.siteId,
                    graphDriveId: finance.libraryId,
                })
            ).body,
        ).toMatchObject({ status: 'connected' });

        const c = await appOnlyCheckpoint();
        expect(c).toMatchObject({ status: 'pass' });
        expect(c!.evidence).toContain('Granted and readable: Intranet ("Intranet (app-only)")');
        expect(c!.evidence).toContain('Not readable by the app, as intended: the site of "Finance ledgers"');
        expect(c!.evidence).toContain('Ungranted sites are not readable (1 other site probed)');
        expect(c!.evidence).toContain('Token roles: Sites.Selected');
    });

    it('warns when the app can read a site no drive uses, or holds a tenant-wide role', async () => {
        h.graph.grantSiteToApp(finance.siteId, h.demo.clientId, 'read');
        try {
            expect(await appOnlyCheckpoint()).toMatchObject({
                status: 'warn',
                evidence: expect.stringContaining('Readable although no app-only drive uses them: Finance'),
                hint: expect.stringMatching(/Remove the app's grant/),
            });
        } finally {
            h.graph.grantSiteToApp(finance.siteId, h.demo.clientId, undefined);
        }
        h.sim.entra.updateApp(h.demo.tenantId, h.demo.clientId, { grantedRoles: ['Sites.Selected', 'Files.Read.All'] });
        try {
            expect(await appOnlyCheckpoint()).toMatchObject({
                status: 'warn',
                hint: expect.stringContaining('Files.Read.All'),
            });
        } finally {
            h.sim.entra.updateApp(h.demo.tenantId, h.demo.clientId, { grantedRoles: ['Sites.Selected'] });
        }
        expect(await appOnlyCheckpoint()).toMatchObject({ status: 'pass' });
    });

    it('removing the grant makes the drive access_lost on the next health check, with an alert', async () => {
        h.graph.grantSiteToApp(h.content.site.id, h.demo.clientId, undefined);
        // The hourly check covers app-only drives too (no account): a whole hour of slots is due.
        const services = await getServices();
        await writeHealthCheckpoint(
            await services.tables.get('checkpoints'),
            'default',
            slotAt(Date.now()) - SLOTS_PER_HOUR,
        );
        const quiet: Logger = { info: () => undefined, warn: () => undefined, error: () => undefined };
        expect(await sweepDriveHealth(services, quiet)).toMatchObject({ unhealthy: 1 });
        expect((await h.api('GET', `/api/drives/${drive.id}`)).body).toMatchObject({ status: 'access_lost' });
        const checked = await h.health(drive.id);
        expect(checked).toMatchObject({
            status: 'access_lost',
            statusCause: { code: 'site_not_granted', hint: expect.stringContaining('Sites.Selected') },
        });
        expect(await appOnlyCheckpoint()).toMatchObject({
            status: 'fail',
            code: 'site_not_granted',
            evidence: expect.stringMatching(/Not granted: https:\/\/\S+ \("Intranet \(app-only\)", Graph 403\)/),
        });
        const alerts = ((await h.api('GET', '/api/manage/alerts')).body as { value: AlertRecord[] }).value;
        expect(alerts.filter((a) => a.subject.type === 'drive')).toEqual([
            expect.objectContaining({ kind: 'drive_access_lost', subject: expect.objectContaining({ id: drive.id }) }),
        ]);

        h.graph.grantSiteToApp(h.content.site.id, h.demo.clientId, 'write');
        expect(await h.health(drive.id)).toMatchObject({ status: 'connected' });
        expect(
            ((await h.api('GET', '/api/manage/alerts')).body as { value: AlertRecord[] }).value.filter(
                (a) => a.subject.id === drive.id,
            ),
        ).toEqual([]);
    });
});

async function waitFor<T>(probe: () => Promise<T | undefined>, timeoutMs = 90_000): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
        const value = await probe();
        if (value !== undefined) return value;
        if (Date.now() > deadline) throw new Error('timed out waiting');
        await new Promise((r) => setTimeout(r, 200));
    }
}
