import { startConnectedService, type ConnectedService } from '../support/connectedService';

describe('hourly maintenance timer', () => {
    let svc: ConnectedService;
    beforeAll(async () => {
        svc = await startConnectedService();
        await svc.configure();
    });
    afterAll(() => svc.stop());

    it('finds a library whose access was removed on an idle drive, and leaves healthy drives connected', async () => {
        const healthy = await svc.connectDrive(
            { name: 'Healthy', kind: 'onedrive' },
            svc.sim.demo.users.adele.userPrincipalName,
        );
        const { drive } = await svc.connectDrive(
            { name: 'Idle library', kind: 'sharepoint' },
            svc.sim.demo.users.megan.userPrincipalName,
        );
        await svc.selectLibrary(drive.id);
        svc.sim.graph.setSiteMember(svc.sim.content.site.id, svc.sim.demo.users.megan.id, undefined);

        await svc.env.host.fireTimer('maintenance');

        expect((await svc.env.api('GET', `/api/drives/${drive.id}`)).body).toMatchObject({ status: 'access_lost' });
        expect((await svc.env.api('GET', `/api/drives/${healthy.drive.id}`)).body).toMatchObject({
            status: 'connected',
        });
    });
});
