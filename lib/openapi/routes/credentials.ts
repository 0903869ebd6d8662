import { z } from 'zod';
import { addCredentialInput, promoteInput } from '../../credentials/credentialSchemas';
import { addAppOnlyDriveInput } from '../../credentials/appOnly/appOnlyDrives';
import { JSON_BODY_ERRORS, KEYED_ROUTE_ERRORS } from '../errorCatalogue';
import { driveRecord } from '../responseSchemas';
import { named, type RouteDescription } from '../routeDescription';
import { alertsQuery } from '../../http/queries';

const credential = named(
    'Credential',
    z
        .looseObject({
            id: z.string(),
            kind: z.enum(['client_secret', 'certificate', 'federated']),
            state: z.enum(['pending', 'active', 'retiring', 'retired']),
            expiresOn: z.string().optional(),
        })
        .meta({ description: 'Metadata only: a secret value or private key is never returned.' }),
);
const credentialList = named(
    'CredentialList',
    z.object({
        activeCredentialId: z.string().optional().meta({ description: 'The credential new token requests use.' }),
        value: z.array(credential.schema),
    }),
);
const alert = named(
    'Alert',
    z.looseObject({
        id: z.string(),
        key: z.string(),
        severity: z.string(),
        kind: z.string(),
        title: z.string(),
        message: z.string(),
        hint: z.string().optional(),
        state: z.enum(['open', 'acknowledged', 'resolved']),
        raisedAt: z.string(),
    }),
);
const alertList = named('AlertList', z.object({ value: z.array(alert.schema) }));
const credentialErrors = [...KEYED_ROUTE_ERRORS, 'integration_not_configured', 'credential_not_found'] as const;

/** Credential rotation (secrets, certificates, federated), app-only drives, and alerts. */
export const credentialRoutes: RouteDescription[] = [
    {
        method: 'GET',
        path: '/api/manage/integration/credentials',
        operationId: 'listCredentials',
        summary: "List the integration's credentials (metadata and expiry only)",
        tag: 'credentials',
        auth: 'admin',
        responses: { 200: { description: 'Every credential, the active one marked.', body: credentialList } },
        errors: [...KEYED_ROUTE_ERRORS, 'integration_not_configured'],
    },
    {
        method: 'POST',
        path: '/api/manage/integration/credentials',
        operationId: 'addCredential',
        summary: 'Add a credential beside the current one (verified against Entra, then pending)',
        tag: 'credentials',
        auth: 'admin',
        body: { ...named('AddCredentialInput', addCredentialInput()), required: true },
        responses: {
            201: {
                description: 'Stored in Key Vault as pending; promote it to use it.',
                body: credential,
                headers: { location: 'The new credential.' },
            },
        },
        errors: [...KEYED_ROUTE_ERRORS, ...JSON_BODY_ERRORS, 'integration_not_configured', 'credential_rejected'],
    },
    {
        method: 'GET',
        path: '/api/manage/integration/credentials/{credentialId}',
        operationId: 'getCredential',
        summary: 'One credential',
        tag: 'credentials',
        auth: 'admin',
        responses: { 200: { description: 'The credential.', body: credential } },
        errors: [...credentialErrors],
    },
    {
        method: 'DELETE',
        path: '/api/manage/integration/credentials/{credentialId}',
        operationId: 'retireCredential',
        summary: 'Retire a credential now (its Key Vault secret is soft-deleted)',
        tag: 'credentials',
        auth: 'admin',
        responses: { 200: { description: 'Retired.', body: credential } },
        errors: [...credentialErrors, 'credential_active'],
    },
    {
        method: 'POST',
        path: '/api/manage/integration/credentials/{credentialId}/promote',
        operationId: 'promoteCredential',
        summary: 'Make new token requests use this credential; the previous one retires after a grace period',
        tag: 'credentials',
        auth: 'admin',
        body: { ...named('PromoteCredentialInput', promoteInput), required: false },
        responses: { 200: { description: 'Promoted.', body: credential } },
        errors: [
            ...credentialErrors,
            ...JSON_BODY_ERRORS,
            'credential_retired',
            'credential_rejected',
            'integration_changed',
        ],
    },
    {
        method: 'POST',
        path: '/api/manage/integration/app-drives',
        operationId: 'addAppOnlyDrive',
        summary: "Add a library synced app-only (Sites.Selected grant, no person's account)",
        tag: 'credentials',
        auth: 'admin',
        body: { ...named('AddAppOnlyDriveInput', addAppOnlyDriveInput), required: true },
        responses: {
            201: {
                description: 'The drive, connected.',
                body: named('AppOnlyDriveAdded', z.object({ drive: driveRecord.schema })),
                headers: { location: 'The new drive.' },
            },
        },
        errors: [
            ...KEYED_ROUTE_ERRORS,
            ...JSON_BODY_ERRORS,
            'integration_not_configured',
            'site_not_granted',
            'app_sign_in_failed',
        ],
    },
    {
        method: 'GET',
        path: '/api/manage/alerts',
        operationId: 'listAlerts',
        summary: 'Alerts: expiring credentials, drives needing re-authentication, held deletes, failed transfers',
        tag: 'alerts',
        auth: 'admin',
        query: alertsQuery,
        responses: { 200: { description: 'Newest first.', body: alertList } },
        errors: [...KEYED_ROUTE_ERRORS, 'validation_failed'],
    },
    {
        method: 'POST',
        path: '/api/manage/alerts/{alertId}/acknowledge',
        operationId: 'acknowledgeAlert',
        summary: 'Acknowledge an alert (idempotent)',
        tag: 'alerts',
        auth: 'admin',
        responses: { 200: { description: 'The alert.', body: alert } },
        errors: [...KEYED_ROUTE_ERRORS, 'alert_not_found', 'alert_changed'],
    },
];
