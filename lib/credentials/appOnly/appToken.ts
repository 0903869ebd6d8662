import type { Client } from '@microsoft/microsoft-graph-client';
import type { ConfidentialClientApplication } from '@azure/msal-node';
import { toAccountAuthError } from '../../auth/accessToken';
import { createMsalClient } from '../../auth/msalClient';
import type { SignInFailure } from '../../auth/signInErrors';
import type { DriveRecord } from '../../drives/driveRecord';
import { createGraphClient, graphClientForAccount } from '../../graph/graphClient';
import { cloudEndpoints } from '../../integration/cloud';
import type { IntegrationRecord } from '../../integration/integrationRepository';
import type { Services } from '../../runtime/services';
import { activeCredential } from '../credentialModel';

/** Entra refused the app's own credential: no account can fix this, the admin rotates or re-grants. */
export class AppAuthError extends Error {
    constructor(readonly failure: SignInFailure) {
        super(failure.message);
        this.name = 'AppAuthError';
    }
}

/**
 * One CCA per (integration, credential): its in-memory cache holds the app-only token (the
 * `<clientId>.<tenantId>` partition msal-node recommends for client credentials). A promoted
 * credential has another id, so new tokens come from it at once; no account's cache is involved.
 */
const clients = new Map<string, Promise<ConfidentialClientApplication>>();

function clientFor(services: Services, integration: IntegrationRecord): Promise<ConfidentialClientApplication> {
    const credential = activeCredential(integration);
    const version = credential && 'version' in credential ? credential.version : '';
    const key = `${integration.id}|${integration.tenantId}|${integration.clientId}|${credential?.id}|${version}`;
    let client = clients.get(key);
    if (!client) {
        client = createMsalClient(services, integration);
        client.catch(() => clients.delete(key));
        clients.set(key, client);
    }
    return client;
}

/** `fresh`: skip the cached token (status checks want the roles Entra grants now, not an hour ago). */
export async function acquireAppGraphToken(
    services: Services,
    integration: IntegrationRecord,
    options: { fresh?: boolean } = {},
): Promise<string> {
    const { graphResource } = cloudEndpoints(integration.cloud, services.config.m365);
    try {
        const result = await (
            await clientFor(services, integration)
        ).acquireTokenByClientCredential({ scopes: [`${graphResource}/.default`], skipCache: options.fresh === true });
        if (!result) throw new Error('Entra returned no token.');
        return result.accessToken;
    } catch (e) {
        // Key Vault or the identity failing is not Entra refusing the app: keep the classified fault.
        const { dependencyFaultIn } = await import('../../dependencies/classify');
        throw dependencyFaultIn(e) ?? new AppAuthError(toAccountAuthError(e).failure);
    }
}

/** Graph as the application itself (Sites.Selected: only the sites an admin granted). */
export function graphClientForApp(services: Services, integration: IntegrationRecord): Promise<Client> {
    return createGraphClient(services, integration, () => acquireAppGraphToken(services, integration));
}

/** The right Graph client for a drive: app-only drives have no account. */
export function graphClientForDrive(
    services: Services,
    integration: IntegrationRecord,
    drive: DriveRecord,
): Promise<Client> {
    if (drive.auth === 'app') return graphClientForApp(services, integration);
    if (!drive.account) throw new Error(`Drive ${drive.id} has no connected account.`);
    return graphClientForAccount(services, integration, drive.account.homeAccountId);
}
