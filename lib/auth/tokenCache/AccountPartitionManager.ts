import type { IPartitionManager } from '@azure/msal-node';
import { TokenCacheError } from './errors';

/** msal-node does not export AccountEntity itself since v7; take it from the interface. */
type AccountEntity = Parameters<IPartitionManager['extractKey']>[0];

export interface TokenCachePartition {
    integrationId: string;
    homeAccountId: string;
}

/**
 * msal-node's IPartitionManager bound to one (integration, account) partition. DistributedCachePlugin
 * reads `getKey()` before every cache access and writes under `extractKey(first account in the
 * cache)` after a change. Binding both to a single account is what makes the design rule hold:
 * nothing but this connection ever writes this partition, so another integration (mail, calendar) or
 * another app signed in with the same Microsoft account can never refresh or overwrite these tokens
 * (the shared-cache failure that disconnects other products' drives).
 *
 * The integration id is enforced by the TableCacheClient (its PartitionKey); it is kept here so the
 * pair travels together.
 */
export class AccountPartitionManager implements IPartitionManager {
    readonly partition: Readonly<TokenCachePartition>;

    constructor(partition: TokenCachePartition) {
        if (!partition.integrationId || !partition.homeAccountId) {
            throw new TokenCacheError(
                'token_cache_invalid_argument',
                'A token cache partition needs an integration id and a home account id; for a first sign-in use persistSignIn.',
            );
        }
        this.partition = Object.freeze({ ...partition });
    }

    async getKey(): Promise<string> {
        return this.partition.homeAccountId;
    }

    /**
     * Refuses to write another account's tokens into this partition (this CCA signed in a different
     * user). The plugin passes only the first account, so TableCacheClient checks every entry too.
     */
    async extractKey(accountEntity: AccountEntity): Promise<string> {
        if (accountEntity.homeAccountId !== this.partition.homeAccountId) {
            throw new TokenCacheError(
                'token_cache_partition_mismatch',
                `Tokens of account '${accountEntity.homeAccountId}' cannot be stored in the partition of account '${this.partition.homeAccountId}' (integration '${this.partition.integrationId}').`,
            );
        }
        return this.partition.homeAccountId;
    }
}
