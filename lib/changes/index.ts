/**
 * The platform's change feed: what the sync changed in the platform store (created, updated, moved,
 * deleted, conflict copies), in order, per drive; read with a cursor (GET /api/drives/{id}/changes)
 * and pushed to PLATFORM_WEBHOOK_URL as signed CloudEvents batches.
 */
export { CHANGE_TYPES, type ChangeDraft, type ChangeEvent, type ChangeType } from './changeModel';
export { changeId } from './changeIds';
export { ChangeRecorder, recordChange } from './changeRecorder';
export { readChangeFeed, type FeedEvent, type FeedPage } from './changeFeed';
export { deliverChanges, type DeliveryOptions, type DeliverySummary } from './deliverChanges';
export { purgeChangeFeeds } from './retention';
