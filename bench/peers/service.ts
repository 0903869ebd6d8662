import type { Contender } from './contender';
import type { World } from './world';

export async function startService(_world: World, _workDir: string): Promise<Contender> {
    throw new Error('The service contender is not wired yet.');
}
