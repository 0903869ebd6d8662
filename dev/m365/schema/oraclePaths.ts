import path from 'node:path';
import { sharedDir } from '../../tools/paths';

/**
 * Where the read-only oracle data (Graph CSDL, docs examples) lives. It sits outside the repository
 * (../shared/oracles beside the checkout, see its PROVENANCE.md); M365_ORACLES_DIR points elsewhere.
 */
export function oraclePath(relative: string): string {
    const dir = process.env.M365_ORACLES_DIR ?? path.join(sharedDir(), 'oracles');
    return path.join(dir, relative);
}
