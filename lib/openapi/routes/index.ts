import type { RouteDescription } from '../routeDescription';
import { changeRoutes } from './changes';
import { credentialRoutes } from './credentials';
import { driveRoutes } from './drives';
import { manageRoutes } from './manage';
import { notificationRoutes } from './notifications';
import { oauthRoutes } from './oauth';
import { platformStoreRoutes } from './platformStore';
import { serviceRoutes } from './service';
import { syncRoutes } from './sync';

/**
 * Every HTTP operation the service registers, as described in /api/openapi.json. A route added to
 * functions/registry.ts must be described here too (test/openapi checks both lists match): add a
 * file beside these and list it below.
 */
export const ROUTES: readonly RouteDescription[] = [
    ...serviceRoutes,
    ...manageRoutes,
    ...driveRoutes,
    ...oauthRoutes,
    ...notificationRoutes,
    ...credentialRoutes,
    ...platformStoreRoutes,
    ...syncRoutes,
    ...changeRoutes,
];
