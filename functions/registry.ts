import type { FunctionDefinition } from './definition';
import { drive } from './drive';
import { driveReconnect } from './driveReconnect';
import { drives } from './drives';
import { health } from './health';
import { manageIntegration } from './manageIntegration';
import { manageIntegrationStatus } from './manageIntegrationStatus';
import { manageProperties } from './manageProperties';
import { maintenance } from './maintenance';
import { manageConsole } from './manageConsole';
import { manageSiteDrives, manageSites } from './manageSites';
import { oauthCallback } from './oauthCallback';
import { oauthConnect } from './oauthConnect';
import { openapi } from './openapi';

/** Every function the service registers, in one list (Azure host and local host alike). */
export const functions: readonly FunctionDefinition[] = [
    health,
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
    manageConsole,
    openapi,
];
