import { z } from 'zod';
import { changesQuery } from '../../http/queries';
import { CHANGE_TYPES } from '../../changes/changeModel';
import { KEYED_ROUTE_ERRORS } from '../errorCatalogue';
import { named, type RouteDescription } from '../routeDescription';

const event = z.object({
    id: z.string().meta({
        description: 'Stable: the same change always has this id (the CloudEvents id of webhook deliveries too).',
    }),
    sequence: z.int().meta({ description: "Position in the drive's feed: 1, 2, 3… in the order the store changed." }),
    cursor: z.string().meta({ description: 'Resume right after this event.' }),
    type: z.enum(CHANGE_TYPES),
    path: z
        .string()
        .meta({ description: "Drive-relative path the change left (a move's new path, a delete's old one)." }),
    previousPath: z
        .string()
        .optional()
        .meta({ description: "A move's old path; for a conflict copy, the path the other version kept." }),
    isFolder: z.boolean(),
    size: z.int().optional(),
    etag: z.string().optional().meta({ description: "The blob's ETag after the change." }),
    quickXorHash: z.string().optional(),
    trashPath: z
        .string()
        .optional()
        .meta({ description: 'Where a delete put the item in the platform container (restorable by copying back).' }),
    runId: z.string(),
    transferId: z.string().optional(),
    recordedAt: z.string().meta({ format: 'date-time' }),
});

const page = named(
    'ChangeFeedPage',
    z.object({
        value: z.array(event),
        cursor: z.string().meta({
            description:
                'Send back as ?cursor= for the changes after this page (the cursor sent, when the page is empty).',
        }),
        hasMore: z.boolean().meta({ description: 'More changes are already waiting: ask again at once.' }),
        retentionDays: z.int().meta({ description: 'How long changes are kept (CHANGE_FEED_RETENTION_DAYS).' }),
    }),
);

/** The platform's change feed (lib/changes). */
export const changeRoutes: RouteDescription[] = [
    {
        method: 'GET',
        path: '/api/drives/{driveId}/changes',
        operationId: 'listChanges',
        summary:
            'What the sync changed in the platform store (created, updated, moved, deleted, conflict copies), in order, from a cursor; the same events go to PLATFORM_WEBHOOK_URL as signed CloudEvents batches',
        tag: 'sync',
        auth: 'function',
        query: changesQuery,
        responses: { 200: { description: 'A page of changes; replaying a cursor returns the same ones.', body: page } },
        errors: [
            ...KEYED_ROUTE_ERRORS,
            'integration_not_configured',
            'drive_not_found',
            'validation_failed',
            'invalid_cursor',
            'cursor_expired',
        ],
    },
];
