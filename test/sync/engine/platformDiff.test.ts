import { randomBytes } from 'node:crypto';
import { useCacheKeyProvider } from '../../../lib/auth/accessToken';
import { staticKeyProvider } from '../../../lib/auth/tokenCache';
import type { DriveRecord } from '../../../lib/drives/driveRecord';
import type { Services } from '../../../lib/runtime/services';
import { diffPlatformByFolder } from '../../../lib/sync/engine/platformDiff';
import { diffListing, noPlatformChanges, type PlatformChanges } from '../../../lib/sync/plan/platformChanges';
import type { BaselineEntry } from '../../../lib/sync/plan/types';
import { platformContainer } from '../../../lib/sync/platform/platformContainer';
import { listPlatformEntries, listPlatformFolder } from '../../../lib/sync/platform/platformListing';
import { createPlatformFolder } from '../../../lib/sync/platform/platformWrites';
import { ensureBaselineIndex } from '../../../lib/sync/state/baselineIndex';
import { applyBaselineChanges } from '../../../lib/sync/state/baselineStore';
import { mulberry32 } from '../../support/prng';
import { uniqueSuffix } from '../../support/uniqueNames';
import { storageServices } from '../state/storageServices';

/**
 * A listing run's walk of the platform store (engine/platformDiff.ts) against Azurite: blobs listed
 * folder by folder (hierarchical listings, every spelling of a folder together) and the baseline read
 * folder by folder through its path index must find exactly the changes the whole listing diffed
 * against the whole baseline finds (plan/platformChanges.ts), for random synced trees after random
 * platform edits: creates, edits, touches, deletes, moves and renames across folders, folders emptied
 * to a marker, retyped paths and case-only renames. (That those changes plan as the whole listing does
 * is the planner's test: test/sync/plan/scope.test.ts.)
 */
const SCENARIOS = Number(process.env.PLATFORM_DIFF_SCENARIOS ?? 12);
const NAMES = ['a', 'b', 'B', 'c.txt', 'C.TXT', 'd', 'e.md', 'ü.txt', 'f|g', 'h$'];

let services: Services;
beforeAll(async () => {
    services = await storageServices();
    useCacheKeyProvider(services, staticKeyProvider(randomBytes(32)));
});

type Rng = () => number;
const pick = <T>(rng: Rng, list: readonly T[]): T => list[Math.floor(rng() * list.length)]!;

function describeChanges(c: PlatformChanges) {
    return {
        created: c.created.map((e) => `${e.path}${e.isFolder ? '/' : ''}`).sort(),
        edited: c.edited.map((e) => `${e.row.remoteId} ${e.entry.path}`).sort(),
        vanished: c.vanished.map((b) => b.remoteId).sort(),
        gone: [...c.goneFolders].sort(),
    };
}

const container = () => platformContainer(services);

interface SeededDrive {
    drive: DriveRecord;
    baseline: BaselineEntry[];
}

/** A synced tree in Azurite: files with content, folders empty (a marker) or implied by their files; its baseline stored. */
async function seedSyncedDrive(rng: Rng): Promise<SeededDrive> {
    const driveId = `drv_pd${uniqueSuffix()}`.replace(/[^A-Za-z0-9_-]/g, '');
    const drive = { id: driveId } as DriveRecord;
    const blob = await blobOf(driveId);
    const files = new Map<string, string>();
    const folders = [''];
    for (let i = 0, n = 15 + Math.floor(rng() * 25); i < n; i++) {
        const parent = pick(rng, folders);
        const path = parent === '' ? pick(rng, NAMES) : `${parent}/${pick(rng, NAMES)}`;
        const lower = path.toLowerCase();
        if ([...files.keys(), ...folders].some((p) => p.toLowerCase() === lower)) continue;
        if (rng() < 0.35) folders.push(path);
        else files.set(path, `content ${i % 4}`);
    }
    const baseline: BaselineEntry[] = [];
    for (const folder of folders.slice(1)) {
        if (![...files.keys()].some((f) => f.startsWith(`${folder}/`)))
            await createPlatformFolder({ services, driveId }, folder);
    }
    let id = 0;
    for (const [path, content] of files) {
        const put = await blob(path).upload(content, Buffer.byteLength(content));
        baseline.push({
            remoteId: `r${id++}`,
            platformPath: path,
            isFolder: false,
            remoteETag: 'e',
            remoteSize: content.length,
            platformETag: put.etag,
            platformSize: Buffer.byteLength(content),
        });
    }
    for (const folder of folders.slice(1))
        baseline.push({
            remoteId: `r${id++}`,
            platformPath: folder,
            isFolder: true,
            remoteETag: 'e',
            remoteSize: 0,
            platformSize: 0,
        });
    await ensureBaselineIndex(services, driveId, []);
    await applyBaselineChanges(services, driveId, { upsert: baseline, remove: [] });
    return { drive, baseline };
}

async function blobOf(driveId: string) {
    const c = await container();
    return (path: string) => c.getBlockBlobClient(`${driveId}/${path}`);
}

/** Platform edits made around the API, as a storage tool would: 1–6 random operations. */
async function editPlatform(rng: Rng, drive: DriveRecord): Promise<void> {
    const driveId = drive.id;
    const blob = await blobOf(driveId);
    const c = await container();
    const ops = 1 + Math.floor(rng() * 6);
    for (let i = 0; i < ops; i++) {
        const listed = await listPlatformEntries(services, drive);
        const fileList = listed.filter((e) => !e.isFolder).map((e) => e.path);
        const folderList = ['', ...listed.filter((e) => e.isFolder).map((e) => e.path)];
        const op = Math.floor(rng() * 6);
        const target = () => {
            const parent = pick(rng, folderList);
            return parent === '' ? pick(rng, NAMES) : `${parent}/${pick(rng, NAMES)}`;
        };
        if (op === 0) {
            const path = target();
            if (!listed.some((e) => e.path === path)) await blob(path).upload('new', 3);
        } else if (op === 1 && fileList.length > 0) {
            await blob(pick(rng, fileList)).upload('edited!', 7);
        } else if (op === 2 && fileList.length > 0) {
            const path = pick(rng, fileList);
            const body = await blob(path).downloadToBuffer();
            await blob(path).upload(body, body.length); // touched: a new ETag, the same bytes
        } else if (op === 3 && fileList.length > 0) {
            await blob(pick(rng, fileList)).delete();
        } else if (op === 4 && fileList.length > 0) {
            // A move or rename, perhaps across folders, perhaps only the case of a folder.
            const from = pick(rng, fileList);
            const to = rng() < 0.3 ? from.replace(/^[a-z]/, (c) => c.toUpperCase()) : target();
            if (to !== from && !listed.some((e) => e.path === to)) {
                const body = await blob(from).downloadToBuffer();
                await blob(to).upload(body, body.length);
                await blob(from).delete();
            }
        } else if (op === 5 && folderList.length > 1) {
            // A folder deleted with everything in it.
            const folder = pick(rng, folderList.slice(1));
            for await (const b of c.listBlobsFlat({ prefix: `${driveId}/${folder}` }))
                if (b.name === `${driveId}/${folder}` || b.name.startsWith(`${driveId}/${folder}/`))
                    await c.deleteBlob(b.name);
        }
    }
}

const deps = { listPlatformFolder };
const lease = { assertHeld: () => undefined };

describe('platform listing walked folder by folder', () => {
    it(`finds the same changes as the whole listing (${SCENARIOS} seeded drives in Azurite)`, async () => {
        let changed = 0;
        for (let seed = 1; seed <= SCENARIOS; seed++) {
            const rng = mulberry32(seed * 104729);
            const { drive, baseline } = await seedSyncedDrive(rng);
            await editPlatform(rng, drive);
            const walked = await diffPlatformByFolder(services, deps, drive, lease);
            const whole = diffListing(baseline, await listPlatformEntries(services, drive));
            expect({ seed, ...describeChanges(walked.changes) }).toEqual({ seed, ...describeChanges(whole) });
            if (whole.created.length + whole.edited.length + whole.vanished.length > 0) changed++;
        }
        expect(changed).toBeGreaterThan(SCENARIOS / 2);
    }, 240_000);

    it(`reads only the rows of folders changed since the last listing run, and finds the same changes (${SCENARIOS} seeded drives)`, async () => {
        let skipped = 0;
        let reread = 0;
        for (let seed = 1; seed <= SCENARIOS; seed++) {
            const rng = mulberry32(seed * 7919);
            const { drive, baseline } = await seedSyncedDrive(rng);
            // The first listing run finds every folder equal and records it; the next reads no rows.
            const first = await diffPlatformByFolder(services, deps, drive, lease, { record: true });
            expect(first.foldersMatched).toBe(0);
            expect(describeChanges(first.changes)).toEqual(describeChanges(noPlatformChanges()));
            const again = await diffPlatformByFolder(services, deps, drive, lease, { record: true });
            expect(again.foldersMatched).toBe(again.folders);
            // Then both sides move: platform edits around the API, and a row the sync rewrote or
            // forgot while its blob stayed (a folder whose listing did not change must be read again).
            await editPlatform(rng, drive);
            const files = baseline.filter((b) => !b.isFolder);
            const forgotten = files[Math.floor(rng() * files.length)]!;
            const retagged = files.find((b) => b !== forgotten);
            const rows = retagged ? [{ ...retagged, platformETag: '"0xstale"' }] : [];
            await applyBaselineChanges(services, drive.id, { upsert: rows, remove: [forgotten.remoteId] });
            const now = baseline.filter((b) => b !== forgotten).map((b) => (b === retagged ? rows[0]! : b));
            const walked = await diffPlatformByFolder(services, deps, drive, lease, { record: true });
            const whole = diffListing(now, await listPlatformEntries(services, drive));
            expect({ seed, ...describeChanges(walked.changes) }).toEqual({ seed, ...describeChanges(whole) });
            if (walked.foldersMatched > 0) skipped++;
            if (walked.foldersMatched < walked.folders) reread++;
            // A dry run's walk (record off) reads the digests but leaves them as they are.
            const dry = await diffPlatformByFolder(services, deps, drive, lease);
            expect(describeChanges(dry.changes)).toEqual(describeChanges(walked.changes));
        }
        expect(skipped).toBeGreaterThan(0);
        expect(reread).toBe(SCENARIOS);
    }, 240_000);
});
