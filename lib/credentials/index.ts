/**
 * Credential lifecycle: several credentials per integration (secrets, certificates, federated),
 * rotation with overlap, expiry alerts, and app-only (Sites.Selected) drives.
 */
export * from './credentialModel';
export {
    addCredential,
    listCredentials,
    promoteCredential,
    retireCredential,
    retireDueCredentials,
} from './credentialService';
export { checkCredentialExpiry, expiryThreshold, EXPIRY_THRESHOLDS } from './expiryAlerts';
export { setFederatedTokenSource, type FederatedTokenSource } from './federatedTokenSource';
export { graphClientForApp, graphClientForDrive, acquireAppGraphToken } from './appOnly/appToken';
export { addAppOnlyDrive } from './appOnly/appOnlyDrives';
export { checkAppDriveHealth } from './appOnly/appDriveHealth';
