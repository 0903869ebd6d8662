import type { FunctionDefinition } from './definition';
import { health } from './health';
import { manageIntegration } from './manageIntegration';

/** Every function the service registers, in one list (Azure host and local host alike). */
export const functions: readonly FunctionDefinition[] = [health, manageIntegration];
