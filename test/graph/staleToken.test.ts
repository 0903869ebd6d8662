import { ResponseType } from '@microsoft/microsoft-graph-client';
import { acquireGraphToken } from '../../lib/auth/accessToken';
import type { DriveRecord } from '../../lib/drives/driveRecord';
import { createGraphClient } from '../../lib/graph/graphClient';
import { loadIntegration } from '../../lib/integration/integrationSettings';
import type { IntegrationRecord } from '../../lib/integration/integrationRepository';
import type { Services } from '../../lib/runtime/services';
import type { ConnectedService } from '../support/connectedService';
import { services, startSyncService } from '../sync/engine/engineHarness';

/**
 * msal-node returns a cached access token until it expires. When Graph refuses it (401: a revoked
 * session, continuous access evaluation, a signing-key change), the Graph client asks once more with
 * a token MSAL must fetch anew, instead of failing every request until the cached one expires.
 */
let svc: ConnectedService;
let drive: DriveRecord;
let integration: IntegrationRecord;
let s: Services;

beforeAll(async () => {
    svc = await startSyncService();
    drive = (
        await svc.connectDrive({ name: 'Adele OneDrive', kind: 'onedrive' }, svc.sim.demo.users.adele.userPrincipalName)
    ).drive;
    s = await services();
    integration = (await loadIntegration(s, drive.integrationId))!;
}, 120_000);
afterAll(() => svc?.stop());

it('sends a request Graph refused with 401 once more, with a refreshed token', async () => {
    const asked: (boolean | undefined)[] = [];
    const client = await createGraphClient(s, integration, async (options) => {
        asked.push(options?.forceRefresh);
        // The first token is one Graph no longer accepts; a forced refresh gets a good one.
        return options?.forceRefresh
            ? acquireGraphToken(s, integration, drive.account!.homeAccountId, { forceRefresh: true })
            : 'eyJhbGciOiJub25lIn0.eyJhdWQiOiJ4In0.c2ln';
    });
    const response = (await client.api('/me/drive').responseType(ResponseType.RAW).get()) as Response;
    expect(response.status).toBe(200);
    expect(asked).toEqual([undefined, true]);
});

it('does not loop: a token refused again is the answer', async () => {
    let calls = 0;
    const client = await createGraphClient(s, integration, async () => {
        calls++;
        return 'eyJhbGciOiJub25lIn0.eyJhdWQiOiJ4In0.c2ln';
    });
    const response = (await client.api('/me/drive').responseType(ResponseType.RAW).get()) as Response;
    expect(response.status).toBe(401);
    expect(calls).toBe(2);
});
