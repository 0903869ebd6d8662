import type { DriveRecord } from '../../../lib/drives/driveRecord';
import { runSync } from '../../../lib/sync/engine';
import type { ConnectedService } from '../../support/connectedService';
import { message, services, startSyncService } from './engineHarness';

/**
 * MSAL caches an access token under the scopes Entra answers, and the service asks for fully-qualified
 * Graph scopes: a sync run must get its token from the cache while it is valid, not spend the refresh
 * token on every Graph request (issue 15, "Scopes echo").
 */
let svc: ConnectedService;
let drive: DriveRecord;

beforeAll(async () => {
    svc = await startSyncService();
    drive = (
        await svc.connectDrive({ name: 'Megan OneDrive', kind: 'onedrive' }, svc.sim.demo.users.megan.userPrincipalName)
    ).drive;
}, 120_000);
afterAll(() => svc?.stop());

const tokenRequests = () => svc.sim.simulator.requests.count('POST', /\/oauth2\/v2\.0\/token$/);
const graphRequests = () => svc.sim.simulator.requests.count('GET', /^\/v1\.0\//);

it('makes no token-endpoint request in a sync run while the access token is valid', async () => {
    svc.sim.graph.putFile(drive.graph!.driveId, '/Reports/one.txt', 'one');
    svc.sim.simulator.requests.clear();
    const first = await runSync(await services(), message(drive.integrationId, drive.id));
    expect(first).toMatchObject({ outcome: 'ran', run: { status: 'succeeded' } });
    // The sign-in stored a token valid for an hour or more: none needed.
    expect(graphRequests()).toBeGreaterThan(0);
    expect(tokenRequests()).toBe(0);

    svc.sim.graph.putFile(drive.graph!.driveId, '/Reports/two.txt', 'two');
    svc.sim.simulator.requests.clear();
    const second = await runSync(await services(), message(drive.integrationId, drive.id));
    expect(second).toMatchObject({ outcome: 'ran', run: { status: 'succeeded' } });
    expect(graphRequests()).toBeGreaterThan(0);
    expect(tokenRequests()).toBe(0);
});
