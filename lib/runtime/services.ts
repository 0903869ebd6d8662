import type { SecretClient } from '@azure/keyvault-secrets';
import { Config, getConfig } from '../config/config';
import { createSecretClient } from '../secrets/secretClient';
import { createStorageClients, StorageClients } from '../storage/clients';
import { Tables } from '../storage/tables';

/**
 * The long-lived clients one function instance shares across invocations, built on first use so cold
 * starts only pay for what the first invocation needs.
 */
export interface Services {
    config: Config;
    storage: StorageClients;
    tables: Tables;
    secrets: SecretClient;
}

let services: Promise<Services> | undefined;

export function getServices(): Promise<Services> {
    services ??= build(getConfig());
    services.catch(() => (services = undefined));
    return services;
}

async function build(config: Config): Promise<Services> {
    const [storage, secrets] = await Promise.all([createStorageClients(config), createSecretClient(config)]);
    return { config, storage, secrets, tables: new Tables(storage, config.tablePrefix) };
}

/** Tests start services with their own settings; this forgets the previous ones. */
export function resetServicesForTests(): void {
    services = undefined;
}
