import { invalidName } from './errors';

/**
 * Key Vault's documented limits for secrets ("About Azure Key Vault secrets", "Azure Key Vault
 * service limits"): object names are 1-127 characters of 0-9, a-z, A-Z and '-'; a value is at most
 * 25 KB (the service reports it as 25600 characters); deleted objects stay recoverable for the vault's
 * retention period, 90 days by default, during which the name cannot be reused.
 */
export const SECRET_NAME = /^[0-9a-zA-Z-]{1,127}$/;
export const MAX_VALUE_CHARACTERS = 25_600;
export const RECOVERABLE_DAYS = 90;
export const RECOVERY_LEVEL = 'Recoverable+Purgeable';
export const DAY_SECONDS = 86_400;

/** Page size when `maxresults` is absent, and its largest accepted value. */
export const DEFAULT_PAGE_SIZE = 25;

export function assertSecretName(name: string): void {
    if (!SECRET_NAME.test(name)) throw invalidName(name);
}
