import { app } from '@azure/functions';
import { getConfig } from '../lib/config/config';
import { registerAll } from './register';

/**
 * Azure Functions entry point (package.json "main"). Configuration is validated first, so a missing
 * or malformed app setting stops the host at start-up with a message naming it.
 */
getConfig();
registerAll(app);
