import { startAzurite } from '../../dev/azurite/azurite';

/**
 * One in-memory Azurite for the whole run (suites isolate themselves with unique names, see
 * uniqueNames.ts). Its connection string reaches the workers through the environment.
 */
export default async function globalSetup(): Promise<void> {
    const azurite = await startAzurite();
    process.env.TEST_AZURITE_CONNECTION_STRING = azurite.connectionString;
    process.env.TEST_AZURITE_PID = String(azurite.pid);
    (globalThis as { __azurite?: typeof azurite }).__azurite = azurite;
}
