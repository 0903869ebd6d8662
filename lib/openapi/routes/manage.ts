import { integrationSettingsInput } from '../../integration/settingsSchema';
import { propertiesPatchSchema } from '../../properties/properties';
import { JSON_BODY_ERRORS, KEYED_ROUTE_ERRORS } from '../errorCatalogue';
import {
    integrationRemoved,
    integrationSaved,
    integrationStatus,
    integrationView,
    libraryList,
    properties,
    propertiesChanged,
    siteList,
} from '../responseSchemas';
import { named, type RouteDescription } from '../routeDescription';
import { libraryQuery, siteSearchQuery, statusQuery } from '../../http/queries';

const siteErrors = [
    ...KEYED_ROUTE_ERRORS,
    'validation_failed',
    'integration_not_configured',
    'drive_not_found',
    'drive_not_connected',
    'drive_needs_reauth',
    'app_sign_in_failed',
    'site_not_accessible',
] as const;

/** /api/manage/*: the integration, its live checkpoints, system properties, site and library selection. */
export const manageRoutes: RouteDescription[] = [
    {
        method: 'GET',
        path: '/api/manage/integration',
        operationId: 'getIntegration',
        summary: 'The integration settings (the secret is never returned: its expiry, fingerprint and hint are)',
        tag: 'manage',
        auth: 'admin',
        responses: { 200: { description: 'The settings.', body: integrationView } },
        errors: [...KEYED_ROUTE_ERRORS, 'integration_not_configured'],
    },
    {
        method: 'PUT',
        path: '/api/manage/integration',
        operationId: 'putIntegration',
        summary: 'Create or update the integration (tenant, client id, secret + expiry, cloud, redirect URI)',
        description:
            'Validated before anything is stored; the secret goes to Key Vault. Saving unchanged settings changes nothing.',
        tag: 'manage',
        auth: 'admin',
        body: { ...named('IntegrationSettingsInput', integrationSettingsInput()), required: true },
        responses: {
            200: { description: 'Updated.', body: integrationSaved },
            201: { description: 'Created.', body: integrationSaved },
        },
        errors: [...KEYED_ROUTE_ERRORS, ...JSON_BODY_ERRORS],
    },
    {
        method: 'DELETE',
        path: '/api/manage/integration',
        operationId: 'deleteIntegration',
        summary: 'Remove the integration: disconnects every drive and purges tokens; files stay in Microsoft 365',
        tag: 'manage',
        auth: 'admin',
        responses: { 200: { description: 'Removed.', body: integrationRemoved } },
        errors: [...KEYED_ROUTE_ERRORS, 'integration_not_configured'],
    },
    {
        method: 'GET',
        path: '/api/manage/integration/status',
        operationId: 'getIntegrationStatus',
        summary: 'The setup checkpoints, verified live against Entra, Graph and Key Vault',
        tag: 'manage',
        auth: 'admin',
        query: statusQuery,
        responses: {
            200: {
                description: 'Every checkpoint with its evidence, and a code and hint when failing.',
                body: integrationStatus,
            },
        },
        errors: [...KEYED_ROUTE_ERRORS, 'integration_not_configured'],
    },
    {
        method: 'GET',
        path: '/api/manage/properties',
        operationId: 'getProperties',
        summary: 'System properties',
        tag: 'manage',
        auth: 'admin',
        responses: { 200: { description: 'Every property (defaults included).', body: properties } },
        errors: [...KEYED_ROUTE_ERRORS],
    },
    {
        method: 'PATCH',
        path: '/api/manage/properties',
        operationId: 'patchProperties',
        summary: 'Change system properties (audited)',
        tag: 'manage',
        auth: 'admin',
        body: { ...named('PropertiesPatch', propertiesPatchSchema), required: true },
        responses: {
            200: {
                description: 'The properties after the change, with the names that changed.',
                body: propertiesChanged,
            },
        },
        errors: [...KEYED_ROUTE_ERRORS, ...JSON_BODY_ERRORS],
    },
    {
        method: 'GET',
        path: '/api/manage/sites',
        operationId: 'searchSites',
        summary: "Search SharePoint sites as the drive's connected account",
        tag: 'manage',
        auth: 'admin',
        query: siteSearchQuery,
        responses: { 200: { description: 'Matching sites.', body: siteList } },
        errors: [...siteErrors],
    },
    {
        method: 'GET',
        path: '/api/manage/sites/{siteId}',
        operationId: 'listSiteLibraries',
        summary: "A site's document libraries (same as /drives)",
        tag: 'manage',
        auth: 'admin',
        query: libraryQuery,
        responses: { 200: { description: 'The document libraries.', body: libraryList } },
        errors: [...siteErrors],
    },
    {
        method: 'GET',
        path: '/api/manage/sites/{siteId}/drives',
        operationId: 'listSiteDrives',
        summary: "A site's document libraries, to pick the one a drive syncs",
        tag: 'manage',
        auth: 'admin',
        query: libraryQuery,
        responses: { 200: { description: 'The document libraries.', body: libraryList } },
        errors: [...siteErrors],
    },
];
