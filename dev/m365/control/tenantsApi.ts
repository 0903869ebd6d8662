import type { TenantStore } from '../entra';
import type { Route } from './router';
import { asBody, optionalBoolean, optionalString, optionalStrings, optionalTime, requiredString } from './body';
import { appView, certificateView, secretView, tenantView, userView } from './views';

/**
 * /__control/tenants/...: what an administrator does in the Entra admin center (tenants, users,
 * app registrations, credentials, consent), over HTTP for tests that run the service as a process.
 */
export function tenantRoutes(tenants: TenantStore): Route[] {
    const T = '/__control/tenants';
    const tenant = `${T}/(?<tenant>[^/]+)`;
    const user = `${tenant}/users/(?<user>[^/]+)`;
    const app = `${tenant}/apps/(?<app>[^/]+)`;
    return [
        route('GET', T, () => ({ status: 200, body: { value: tenants.listTenants().map(tenantView) } })),
        route('POST', T, ({ body }) => {
            const b = asBody(body);
            const created = tenants.createTenant({
                name: requiredString(b, 'name'),
                displayName: optionalString(b, 'displayName'),
                id: optionalString(b, 'id'),
                extraDomains: optionalStrings(b, 'extraDomains'),
                userConsentAllowed: optionalBoolean(b, 'userConsentAllowed'),
            });
            return { status: 201, body: tenantView(created) };
        }),
        route('GET', tenant, ({ p }) => ({ status: 200, body: tenantView(tenants.getTenant(p.tenant!)) })),
        route('PATCH', tenant, ({ p, body }) => {
            const b = asBody(body);
            const changes = {
                displayName: optionalString(b, 'displayName'),
                userConsentAllowed: optionalBoolean(b, 'userConsentAllowed'),
            };
            return { status: 200, body: tenantView(tenants.updateTenant(p.tenant!, changes)) };
        }),

        route('GET', `${tenant}/users`, ({ p }) => ({
            status: 200,
            body: { value: tenants.listUsers(tenants.getTenant(p.tenant!).id).map(userView) },
        })),
        route('POST', `${tenant}/users`, ({ p, body }) => {
            const b = asBody(body);
            const created = tenants.createUser(p.tenant!, {
                userPrincipalName: requiredString(b, 'userPrincipalName'),
                displayName: requiredString(b, 'displayName'),
                id: optionalString(b, 'id'),
                accountEnabled: optionalBoolean(b, 'accountEnabled'),
            });
            return { status: 201, body: userView(created) };
        }),
        route('GET', user, ({ p }) => ({ status: 200, body: userView(tenants.getUser(p.tenant!, p.user!)) })),
        route('PATCH', user, ({ p, body }) => {
            const b = asBody(body);
            const changes = {
                displayName: optionalString(b, 'displayName'),
                accountEnabled: optionalBoolean(b, 'accountEnabled'),
            };
            return { status: 200, body: userView(tenants.updateUser(p.tenant!, p.user!, changes)) };
        }),
        route('POST', `${user}/changePassword`, ({ p }) => ({
            status: 200,
            body: userView(tenants.changePassword(p.tenant!, p.user!)),
        })),
        route('POST', `${user}/revokeSignInSessions`, ({ p }) => ({
            status: 200,
            body: userView(tenants.revokeSignInSessions(p.tenant!, p.user!)),
        })),

        route('GET', `${tenant}/apps`, ({ p }) => ({
            status: 200,
            body: { value: tenants.listApps(tenants.getTenant(p.tenant!).id).map(appView) },
        })),
        route('POST', `${tenant}/apps`, ({ p, body }) => {
            const b = asBody(body);
            const created = tenants.registerApp(p.tenant!, {
                displayName: requiredString(b, 'displayName'),
                appId: optionalString(b, 'appId'),
                redirectUris: optionalStrings(b, 'redirectUris'),
                publicClientRedirectUris: optionalStrings(b, 'publicClientRedirectUris'),
                signInAudience:
                    optionalString(b, 'signInAudience') === 'AzureADMultipleOrgs' ? 'AzureADMultipleOrgs' : undefined,
                requiredScopes: optionalStrings(b, 'requiredScopes'),
                consentedScopes: optionalStrings(b, 'consentedScopes'),
                grantedRoles: optionalStrings(b, 'grantedRoles'),
            });
            return { status: 201, body: appView(created) };
        }),
        route('GET', app, ({ p }) => ({ status: 200, body: appView(tenants.getApp(p.tenant!, p.app!)) })),
        route('PATCH', app, ({ p, body }) => {
            const b = asBody(body);
            const changes = {
                displayName: optionalString(b, 'displayName'),
                redirectUris: optionalStrings(b, 'redirectUris'),
                requiredScopes: optionalStrings(b, 'requiredScopes'),
                consentedScopes: optionalStrings(b, 'consentedScopes'),
                grantedRoles: optionalStrings(b, 'grantedRoles'),
            };
            return { status: 200, body: appView(tenants.updateApp(p.tenant!, p.app!, changes)) };
        }),
        route('DELETE', app, ({ p }) => {
            tenants.deleteApp(p.tenant!, p.app!);
            return { status: 204 };
        }),
        route('POST', `${app}/secrets`, ({ p, body }) => {
            const b = asBody(body);
            const created = tenants.addClientSecret(p.tenant!, p.app!, {
                displayName: optionalString(b, 'displayName'),
                endDateTime: optionalTime(b, 'endDateTime'),
            });
            // The only response that carries the value, like the portal's one-time display.
            return { status: 201, body: { ...secretView({ ...created }), secretText: created.secretText } };
        }),
        route('DELETE', `${app}/secrets/(?<key>[^/]+)`, ({ p }) => {
            tenants.removeClientSecret(p.tenant!, p.app!, p.key!);
            return { status: 204 };
        }),
        route('POST', `${app}/certificates`, ({ p, body }) => {
            const b = asBody(body);
            const created = tenants.addCertificate(p.tenant!, p.app!, {
                certificatePem: requiredString(b, 'certificatePem'),
                displayName: optionalString(b, 'displayName'),
                endDateTime: optionalTime(b, 'endDateTime'),
            });
            return { status: 201, body: certificateView(created) };
        }),
        route('DELETE', `${app}/certificates/(?<key>[^/]+)`, ({ p }) => {
            tenants.removeCertificate(p.tenant!, p.app!, p.key!);
            return { status: 204 };
        }),
        route('POST', `${app}/adminConsent`, ({ p, body }) => {
            const scopes = optionalStrings(asBody(body), 'scopes') ?? tenants.getApp(p.tenant!, p.app!).requiredScopes;
            return { status: 200, body: appView(tenants.grantAdminConsent(p.tenant!, p.app!, scopes)) };
        }),
        route('DELETE', `${app}/adminConsent`, ({ p, body }) => {
            const scopes = optionalStrings(asBody(body ?? {}), 'scopes');
            return { status: 200, body: appView(tenants.revokeAdminConsent(p.tenant!, p.app!, scopes)) };
        }),
    ];
}

function route(method: string, pattern: string, handle: Route['handle']): Route {
    return { method, pattern: new RegExp(`^${pattern}$`), handle };
}
