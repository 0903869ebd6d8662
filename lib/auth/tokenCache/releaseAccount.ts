import type { Services } from '../../runtime/services';
import { listDrives } from '../../drives/driveRepository';
import { deleteTokenCachePartition } from './purgeTokenCaches';

/**
 * A token-cache partition lives as long as a drive uses its account. When the last one stops (the
 * drive is removed, reconnected with another account, or a sign-in ended without binding a drive),
 * the partition and its refresh token are deleted: a refresh token nobody needs is only a liability.
 * Returns true if a partition was deleted.
 *
 * The check (list the integration's drives) and the delete are not atomic: a drive that binds the
 * same account in that instant finds its partition gone and asks for a reconnect (its health says
 * so); no token of another account is ever exposed.
 */
export async function releaseAccountIfUnused(
    services: Services,
    integrationId: string,
    homeAccountId: string,
): Promise<boolean> {
    const drives = await listDrives(await services.tables.get('drives'), integrationId);
    if (drives.some((d) => d.account?.homeAccountId === homeAccountId)) return false;
    return deleteTokenCachePartition(await services.tables.get('tokenCache'), integrationId, homeAccountId);
}
