import { addDriveInput, reconnectInput, updateDriveInput } from '../../drives/driveSchemas';
import { JSON_BODY_ERRORS, KEYED_ROUTE_ERRORS } from '../errorCatalogue';
import { connectLink, driveAdded, driveList, driveRecord, driveRemoved } from '../responseSchemas';
import { named, type RouteDescription } from '../routeDescription';
import { driveQuery } from '../../http/queries';

const driveErrors = [...KEYED_ROUTE_ERRORS, 'integration_not_configured', 'drive_not_found'] as const;

/** /api/drives: the external drives (SharePoint libraries and OneDrives). */
export const driveRoutes: RouteDescription[] = [
    {
        method: 'GET',
        path: '/api/drives',
        operationId: 'listDrives',
        summary: 'List external drives with their health',
        tag: 'drives',
        auth: 'function',
        responses: { 200: { description: 'Every drive of the integration.', body: driveList } },
        errors: [...KEYED_ROUTE_ERRORS, 'integration_not_configured'],
    },
    {
        method: 'POST',
        path: '/api/drives',
        operationId: 'addDrive',
        summary: 'Add a drive; returns its single-use connect link',
        tag: 'drives',
        auth: 'function',
        body: { ...named('AddDriveInput', addDriveInput), required: true },
        responses: {
            201: {
                description: 'Added; open connectUrl in a browser to sign in.',
                body: driveAdded,
                headers: { location: 'The new drive.' },
            },
        },
        errors: [
            ...KEYED_ROUTE_ERRORS,
            ...JSON_BODY_ERRORS,
            'integration_not_configured',
            'personal_connections_disabled',
        ],
    },
    {
        method: 'GET',
        path: '/api/drives/{driveId}',
        operationId: 'getDrive',
        summary: 'Inspect a drive (health, account, library)',
        tag: 'drives',
        auth: 'function',
        query: driveQuery,
        responses: { 200: { description: 'The drive.', body: driveRecord } },
        errors: [...driveErrors],
    },
    {
        method: 'PATCH',
        path: '/api/drives/{driveId}',
        operationId: 'updateDrive',
        summary: 'Rename, choose the library, or change policies',
        tag: 'drives',
        auth: 'function',
        body: { ...named('UpdateDriveInput', updateDriveInput), required: true },
        responses: { 200: { description: 'The drive after the change.', body: driveRecord } },
        errors: [
            ...driveErrors,
            ...JSON_BODY_ERRORS,
            'drive_not_connected',
            'drive_changed',
            'not_a_library_drive',
            'library_not_accessible',
        ],
    },
    {
        method: 'DELETE',
        path: '/api/drives/{driveId}',
        operationId: 'removeDrive',
        summary: 'Remove a drive (files stay on both sides)',
        tag: 'drives',
        auth: 'function',
        responses: {
            200: {
                description:
                    'Removed. Its sync state is purged afterwards by the hourly maintenance timer; files stay in Microsoft 365 and the platform store.',
                body: driveRemoved,
            },
        },
        errors: [...driveErrors],
    },
    {
        method: 'POST',
        path: '/api/drives/{driveId}/reconnect',
        operationId: 'reconnectDrive',
        summary: 'A new connect link; the drive keeps its sync state',
        tag: 'drives',
        auth: 'function',
        body: { ...named('ReconnectInput', reconnectInput), required: false },
        responses: { 200: { description: 'Open connectUrl in a browser.', body: connectLink } },
        errors: [...driveErrors, ...JSON_BODY_ERRORS],
    },
];
