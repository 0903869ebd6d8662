import { existsSync } from 'node:fs';
import path from 'node:path';

/** The project root (the folder with package.json), whether code runs from sources (jest) or dist/. */
export function projectRoot(from: string = __dirname): string {
    let dir = from;
    while (!existsSync(path.join(dir, 'package.json'))) {
        const parent = path.dirname(dir);
        if (parent === dir) return process.cwd();
        dir = parent;
    }
    return dir;
}

/**
 * The read-only shared folder (design, references, oracles) that sits beside the project checkout,
 * as it does for developers and CI. SHARED_DIR overrides it.
 */
export function sharedDir(): string {
    return process.env.SHARED_DIR ?? path.join(projectRoot(), '..', 'shared');
}
