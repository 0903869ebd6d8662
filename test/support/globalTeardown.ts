import type { Azurite } from '../../dev/azurite/azurite';

export default async function globalTeardown(): Promise<void> {
    await (globalThis as { __azurite?: Azurite }).__azurite?.stop();
}
