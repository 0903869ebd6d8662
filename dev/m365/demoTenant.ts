import type { TenantStore, User } from './entra';

/** What `npm run sim` prints and what a developer pastes into the service's integration settings. */
export interface DemoTenant {
    tenantId: string;
    domain: string;
    clientId: string;
    clientSecret: string;
    clientSecretExpiresOn: string;
    redirectUris: string[];
    users: { adele: User; megan: User };
}

/** The local Functions host's callback, over http and https (the guide asks for https in production). */
export const DEMO_REDIRECT_URIS = [
    'http://localhost:7071/oauth2/sharepoint/callback',
    'https://localhost:7071/oauth2/sharepoint/callback',
];

/** The delegated permissions the admin guide asks for, all with admin consent (green checkmarks). */
export const DEMO_SCOPES = [
    'Files.ReadWrite.All',
    'Sites.ReadWrite.All',
    'User.Read',
    'offline_access',
    'openid',
    'profile',
];

/**
 * Contoso: two users and one app registration set up as the administrator guide describes. Ids and
 * the secret value come from the simulator's seed, so they are the same on every start. Sites, drives
 * and files are the Graph half's business: seed them from the returned users (see main.ts).
 */
export function seedDemoTenant(tenants: TenantStore): DemoTenant {
    const tenant = tenants.createTenant({ name: 'contoso', displayName: 'Contoso' });
    const adele = tenants.createUser(tenant.id, { userPrincipalName: 'AdeleV', displayName: 'Adele Vance' });
    const megan = tenants.createUser(tenant.id, { userPrincipalName: 'MeganB', displayName: 'Megan Bowen' });
    const app = tenants.registerApp(tenant.id, {
        displayName: 'SharePoint and OneDrive Sync (local)',
        redirectUris: DEMO_REDIRECT_URIS,
        requiredScopes: DEMO_SCOPES,
        consentedScopes: DEMO_SCOPES,
    });
    const secret = tenants.addClientSecret(tenant.id, app.appId, { displayName: 'local development' });
    return {
        tenantId: tenant.id,
        domain: tenant.domains[0]!,
        clientId: app.appId,
        clientSecret: secret.secretText,
        clientSecretExpiresOn: new Date(secret.endDateTime).toISOString(),
        redirectUris: [...app.redirectUris],
        users: { adele, megan },
    };
}
