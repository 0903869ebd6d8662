import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { CsdlModel } from './csdlTypes';
import { oraclePath } from './oraclePaths';
import { parseCsdl } from './parseCsdl';

/** Bump when parseCsdl's output changes, so stale disk caches are ignored. */
const MODEL_FORMAT = 1;

let cached: CsdlModel | undefined;

/**
 * The Graph v1.0 model, parsed once per process. Parsing the 3.5 MB CSDL takes about a second, and
 * jest gives every test file a fresh module registry, so the compact model is also cached on disk
 * (keyed by the XML's size and mtime) and later test files load it in a few milliseconds.
 */
export function loadGraphModel(csdlPath: string = oraclePath('graph/cleanMetadata.xml')): CsdlModel {
    cached ??= loadFromDiskCacheOrParse(csdlPath);
    return cached;
}

function loadFromDiskCacheOrParse(csdlPath: string): CsdlModel {
    const stat = fs.statSync(csdlPath);
    const cacheFile = path.join(
        os.tmpdir(),
        `m365-graph-csdl-v${MODEL_FORMAT}-${stat.size}-${Math.floor(stat.mtimeMs)}.json`,
    );
    const fromCache = readCache(cacheFile);
    if (fromCache) return fromCache;
    const model = parseCsdl(fs.readFileSync(csdlPath, 'utf8'));
    writeCache(cacheFile, model);
    return model;
}

function readCache(file: string): CsdlModel | undefined {
    try {
        return JSON.parse(fs.readFileSync(file, 'utf8')) as CsdlModel;
    } catch {
        return undefined; // missing or half-written by a concurrent worker: parse instead
    }
}

function writeCache(file: string, model: CsdlModel): void {
    // Write-then-rename so a parallel jest worker never reads a partial file.
    const temp = `${file}.${process.pid}.tmp`;
    try {
        fs.writeFileSync(temp, JSON.stringify(model));
        fs.renameSync(temp, file);
    } catch {
        // A read-only temp dir only costs speed.
    }
}
