import type { Directory, DirectoryApplication, DirectoryUser } from '../contract';
import type { AppRegistration, User } from './model';
import type { TenantStore } from './tenantStore';

/** The read-only view of Entra's directory that the Graph half uses (users, app registrations). */
export function createDirectory(tenants: TenantStore): Directory {
    return {
        getUser: (tenantId, idOrUpn) => {
            const user = tenants.findUser(tenantId, idOrUpn);
            return user ? toDirectoryUser(user) : undefined;
        },
        listUsers: (tenantId) => tenants.listUsers(tenantId).map(toDirectoryUser),
        getApplication: (tenantId, appId) => {
            const app = tenants.findApp(tenantId, appId);
            return app ? toDirectoryApplication(app) : undefined;
        },
    };
}

function toDirectoryUser(user: User): DirectoryUser {
    const { id, tenantId, userPrincipalName, displayName, mail, accountEnabled } = user;
    return { id, tenantId, userPrincipalName, displayName, mail, accountEnabled };
}

function toDirectoryApplication(app: AppRegistration): DirectoryApplication {
    return {
        appId: app.appId,
        id: app.id,
        servicePrincipalId: app.servicePrincipalId,
        displayName: app.displayName,
        redirectUris: [...app.redirectUris],
        consentedScopes: [...app.consentedScopes],
        grantedRoles: [...app.grantedRoles],
        passwordCredentials: app.secrets.map((s) => ({
            keyId: s.keyId,
            ...(s.displayName !== undefined ? { displayName: s.displayName } : {}),
            hint: s.hint,
            endDateTime: new Date(s.endDateTime).toISOString(),
        })),
    };
}
