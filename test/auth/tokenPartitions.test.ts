import { listTokenCachePartitions } from '../../lib/auth/tokenCache';
import type { DriveRecord } from '../../lib/drives/driveRecord';
import { getServices } from '../../lib/runtime/services';
import { completeSignIn, CookieJar, openAtService } from '../support/browser';
import { RETURN_URL, startConnectedService, type ConnectedService } from '../support/connectedService';

/**
 * A token-cache partition (an account's refresh token) lives only as long as a drive uses the
 * account: removing the drive, reconnecting it with another account, or a sign-in that bound no
 * drive deletes it, unless another drive still uses that account.
 */
describe('token-cache partitions follow the drives that use them', () => {
    let svc: ConnectedService;
    let adele: string;
    let megan: string;
    const homeIdOf = (drive: DriveRecord) => drive.account!.homeAccountId;

    async function partitions(): Promise<string[]> {
        const services = await getServices();
        return (await listTokenCachePartitions(await services.tables.get('tokenCache'), 'default'))
            .map((p) => p.homeAccountId)
            .sort();
    }
    async function library(name: string, login: string): Promise<DriveRecord> {
        const { drive } = await svc.connectDrive({ name, kind: 'sharepoint' }, login);
        return svc.selectLibrary(drive.id, 'Documents');
    }
    const remove = async (drive: DriveRecord) =>
        expect((await svc.env.api('DELETE', `/api/drives/${drive.id}`)).status).toBe(200);

    beforeAll(async () => {
        svc = await startConnectedService();
        expect((await svc.configure()).status).toBe(201);
        adele = svc.sim.demo.users.adele.userPrincipalName;
        megan = svc.sim.demo.users.megan.userPrincipalName;
    });
    afterAll(() => svc.stop());

    it('removing a drive deletes its account partition once no other drive uses the account', async () => {
        const one = await library('One', megan);
        const two = await library('Two', megan);
        const three = await library('Three', adele);
        expect(await partitions()).toEqual([homeIdOf(one), homeIdOf(three)].sort());
        await remove(one);
        expect(await partitions()).toContain(homeIdOf(two)); // still used by "Two"
        await remove(two);
        expect(await partitions()).toEqual([homeIdOf(three)]);
        await remove(three);
        expect(await partitions()).toEqual([]);
    });

    it('reconnecting with another account deletes the old account partition (when unused)', async () => {
        const drive = await library('Shared library', adele);
        const adeleId = homeIdOf(drive);
        expect(await partitions()).toEqual([adeleId]);
        const link = await svc.env.api('POST', `/api/drives/${drive.id}/reconnect`, {
            body: { returnUrl: RETURN_URL },
        });
        const end = await completeSignIn((link.body as { connectUrl: string }).connectUrl, megan, svc.browser);
        expect(end.url.searchParams.get('result')).toBe('connected');
        const after = (await svc.env.api('GET', `/api/drives/${drive.id}`)).body as DriveRecord;
        expect(after.account!.username).toBe(megan);
        expect(await partitions()).toEqual([homeIdOf(after)]);
        await remove(after);
        expect(await partitions()).toEqual([]);
    });

    it('a sign-in whose drive was removed meanwhile (the binding fails) leaves no partition behind', async () => {
        const added = await svc.env.api('POST', '/api/drives', { body: { name: 'Gone', kind: 'sharepoint' } });
        const { drive, connectUrl } = added.body as { drive: DriveRecord; connectUrl: string };
        const browser = { ...svc.browser, cookies: new CookieJar() };
        const authorize = (await openAtService(new URL(connectUrl), browser)).headers.get('location')!;
        await remove(drive);
        const end = await completeSignIn(authorize, adele, browser);
        expect(end.status).toBe(404);
        expect(end.body).toContain('drive_not_found');
        expect(await partitions()).toEqual([]);
    });
});
