/** Graph change notifications: subscriptions per drive, the webhook, debounced syncs, renewal and the daily sweep. */
export { ensureSubscription, ensureSubscriptionSafely } from './ensureSubscription';
export { removeDriveSubscription } from './removeSubscription';
export { subscriptionHealth, type SubscriptionHealth } from './subscriptionHealth';
export { requestSync } from './syncRequests';
export { renewSubscriptions } from './renewal';
export { sweepDrives } from './sweep';
export { notificationMetrics } from './metrics';
