import {
    deleteIntegrationTokenCaches,
    deleteTokenCachePartition,
    listTokenCachePartitions,
} from '../../../lib/auth/tokenCache';
import { tokenCacheFixture, type TokenCacheFixture } from './support/tokenCacheFixture';

describe('token cache purge (Azurite)', () => {
    let f: TokenCacheFixture;
    beforeEach(async () => {
        f = await tokenCacheFixture();
    });

    const ids = async (integrationId: string) =>
        (await listTokenCachePartitions(f.tableClient, integrationId)).map((p) => p.homeAccountId).sort();

    it('lists, deletes one partition, and purges exactly one integration', async () => {
        const [alice, bob, carol] = [f.newUser(), f.newUser(), f.newUser('odd/id#1')];
        const files = [
            await f.signIn('files', alice),
            await f.signIn('files', bob),
            await f.signIn('files', carol),
        ].sort();
        const mail = [await f.signIn('mail', alice), await f.signIn('mail', carol)].sort();
        // A prefix of the integration id must not match: PartitionKey is compared exactly.
        await f.signIn('files2', bob);

        expect(await ids('files')).toEqual(files);
        const [listed] = await listTokenCachePartitions(f.tableClient, 'files');
        expect(listed.updatedOn).toBeInstanceOf(Date);

        expect(await deleteTokenCachePartition(f.tableClient, 'files', files[0])).toBe(true);
        expect(await deleteTokenCachePartition(f.tableClient, 'files', files[0])).toBe(false);
        expect(await ids('files')).toEqual(files.slice(1));

        expect(await deleteIntegrationTokenCaches(f.tableClient, 'files')).toBe(2);
        expect(await ids('files')).toEqual([]);
        expect(await ids('mail')).toEqual(mail);
        expect(await ids('files2')).toHaveLength(1);
        expect(await deleteIntegrationTokenCaches(f.tableClient, 'nothing-here')).toBe(0);
    });
});
