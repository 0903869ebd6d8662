import { changeDelivery } from './changeDelivery';
import { credentialExpiry } from './credentialExpiry';
import { withKeyLevels, type FunctionDefinition } from './definition';
import { drive } from './drive';
import { driveChanges } from './driveChanges';
import { driveConflicts } from './driveConflicts';
import { driveHealth } from './driveHealth';
import { driveDeletesApprove, driveDeletesReject } from './driveDeletes';
import { driveItemContent } from './driveItemContent';
import { driveItems } from './driveItems';
import { driveReconnect } from './driveReconnect';
import { driveRun, driveRuns } from './driveRuns';
import { drives } from './drives';
import { driveUploadComplete, driveUploads } from './driveUploads';
import { graphNotifications } from './graphNotifications';
import { health, healthDetails } from './health';
import { manageIntegration } from './manageIntegration';
import { manageIntegrationStatus } from './manageIntegrationStatus';
import { manageProperties } from './manageProperties';
import { maintenance } from './maintenance';
import { manageAlertAcknowledge, manageAlerts } from './manageAlerts';
import { manageConsole } from './manageConsole';
import { manageAppDrives, manageCredential, manageCredentialPromote, manageCredentials } from './manageCredentials';
import { manageSiteDrives, manageSites } from './manageSites';
import { oauthCallback } from './oauthCallback';
import { oauthConnect } from './oauthConnect';
import { openapi } from './openapi';
import { subscriptionRenewal } from './subscriptionRenewal';
import { serviceSignals } from './serviceSignals';
import { syncNow } from './syncNow';
import { syncQueue } from './syncQueue';
import { syncScheduler } from './syncScheduler';
import { syncSweep } from './syncSweep';
import { transfer } from './transfer';
import { transferReplay } from './transferReplay';
import { driveTransfers } from './driveTransfers';

/**
 * Every function the service registers, in one list (Azure host and local host alike). Management
 * routes get `authLevel: 'admin'` here (definition.ts, withKeyLevels): only the master key opens them,
 * while the platform key opens the platform's routes.
 */
export const functions: readonly FunctionDefinition[] = withKeyLevels([
    health,
    healthDetails,
    manageIntegration,
    manageIntegrationStatus,
    manageProperties,
    manageSites,
    manageSiteDrives,
    drives,
    drive,
    driveReconnect,
    oauthConnect,
    oauthCallback,
    maintenance,
    driveHealth,
    manageConsole,
    openapi,
    graphNotifications,
    subscriptionRenewal,
    syncSweep,
    manageAlerts,
    manageAlertAcknowledge,
    manageCredentials,
    manageCredential,
    manageCredentialPromote,
    manageAppDrives,
    credentialExpiry,
    driveUploads,
    driveUploadComplete,
    driveItems,
    driveItemContent,
    syncNow,
    driveRuns,
    driveRun,
    driveConflicts,
    driveDeletesApprove,
    driveDeletesReject,
    syncQueue,
    syncScheduler,
    transfer,
    driveTransfers,
    transferReplay,
    driveChanges,
    changeDelivery,
    serviceSignals,
]);
