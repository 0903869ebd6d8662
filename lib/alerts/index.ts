/**
 * Alerts: raise once per condition, list, acknowledge, resolve; signed webhook delivery with retries.
 * Other modules call raiseAlert / resolveAlert.
 */
export type { AlertInput, AlertRecord, AlertSeverity, AlertState, AlertSubject } from './alertModel';
export { raiseAlert, resolveAlert, resolveAlerts, type RaiseOptions } from './raiseAlert';
export { acknowledgeAlert, listAlerts } from './alertQueries';
export { retryAlertDeliveries } from './retryDeliveries';
export { purgeResolvedAlerts } from './purgeAlerts';
export { reportDriveHealth } from './driveAlerts';
export { raiseDependencyAlert, resolveDependencyAlerts, dependencyAlertKey } from './dependencyAlerts';
export { signBody } from './webhookDelivery';
export { WEBHOOK_SIGNING_KEY_SECRET } from './webhookSigningKey';
