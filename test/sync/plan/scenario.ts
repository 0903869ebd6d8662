import { planSync } from '../../../lib/sync/plan';
import {
    Action,
    BaselineEntry,
    ConflictPolicy,
    Plan,
    PlanInput,
    PlanOptions,
    PlatformEntry,
    RemoteEntry,
} from '../../../lib/sync/plan/types';

/** Fake QuickXorHash: unique per content, stable, base64-looking. */
export function hashOf(content: string): string {
    return `qx${Buffer.from(content).toString('base64')}=`;
}

export const NOW = '2024-05-01T12:00:00Z';

type Tree = Record<string, string | null>;

export type PlanOverrides = Partial<PlanOptions> & {
    policy?: ConflictPolicy;
    driveItemCount?: number;
    tombstones?: boolean;
};

/**
 * A drive in sync (`tree`: path → content, `null` for a folder), then edits on either side, then a
 * plan. Remote edits become delta entries (or, for a full listing, the whole remote tree); platform
 * edits change the listing. Ids, tags and timestamps are deterministic.
 */
export class Scenario {
    readonly baseline: BaselineEntry[] = [];
    private readonly remoteNow = new Map<string, RemoteEntry>();
    private readonly changed = new Map<string, RemoteEntry>();
    private readonly platformNow = new Map<string, PlatformEntry>();
    private tag = 0;
    private clock = Date.parse('2024-04-01T00:00:00Z');

    constructor(tree: Tree = {}) {
        for (const path of Object.keys(tree).sort()) this.synced(path, tree[path]);
    }

    // ---- remote side (SharePoint) ----

    remoteCreate(path: string, content: string | null, id = `new-${path}`): this {
        this.setRemote({ ...this.remoteEntry(id, path, content), eTag: this.nextTag('re') });
        return this;
    }

    remoteEdit(path: string, content: string): this {
        const e = this.remoteAt(path);
        this.setRemote({
            ...e,
            eTag: this.nextTag('re'),
            cTag: this.nextTag('rc'),
            quickXorHash: hashOf(content),
            size: content.length,
            lastModified: this.tick(),
        });
        return this;
    }

    /** An eTag change only (a property edit): cTag unchanged, or omitted as ODB delta does. */
    remoteTouch(path: string, omitCTag = false): this {
        const e = this.remoteAt(path);
        this.setRemote({ ...e, eTag: this.nextTag('re'), cTag: omitCTag ? undefined : e.cTag });
        return this;
    }

    remoteMove(path: string, to: string): this {
        const e = this.remoteAt(path);
        for (const d of [...this.remoteNow.values()].filter((x) => x.path.startsWith(`${path}/`))) {
            // Descendants move with their folder but delta does not report them (graph-sync.md §1.3).
            const moved = { ...d, path: to + d.path.slice(path.length) };
            this.remoteNow.set(d.id, moved);
            // Delta re-reports none of them, but an entry reported earlier resolves to the new path.
            if (this.changed.has(d.id))
                this.changed.set(d.id, { ...(this.changed.get(d.id) as RemoteEntry), path: moved.path });
        }
        this.setRemote({ ...e, path: to, name: to.split('/').pop() as string, eTag: this.nextTag('re') });
        return this;
    }

    remoteDelete(path: string, reportChildren = true): this {
        for (const e of [...this.remoteNow.values()].filter((x) => x.path === path || x.path.startsWith(`${path}/`))) {
            this.remoteNow.delete(e.id);
            // Delta reports the latest state: a child reported earlier is now reported deleted.
            const report = reportChildren || e.path === path || this.changed.has(e.id);
            if (report) this.changed.set(e.id, { ...e, deleted: true, quickXorHash: 'AAAAAAAAAAAAAAAAAAAAAAAAAAA=' });
        }
        return this;
    }

    /** SharePoint rewrote the file after upload; the baseline recorded the rewritten hash. */
    enriched(path: string, serverContent: string): this {
        const b = this.baseline.find((x) => x.platformPath === path) as BaselineEntry;
        b.remoteHash = hashOf(serverContent);
        b.remoteSize = serverContent.length;
        const e = this.remoteAt(path);
        this.remoteNow.set(e.id, { ...e, quickXorHash: b.remoteHash, size: b.remoteSize });
        return this;
    }

    // ---- platform side ----

    platformCreate(path: string, content: string | null): this {
        this.platformNow.set(path, this.platformEntry(path, content));
        return this;
    }

    platformEdit(path: string, content: string): this {
        this.platformNow.set(path, { ...this.platformEntry(path, content), dirty: true });
        return this;
    }

    /** New blob ETag, same bytes (a re-upload of identical content). */
    platformTouch(path: string): this {
        const e = this.platformNow.get(path) as PlatformEntry;
        this.platformNow.set(path, { ...e, blobETag: this.nextTag('pe') });
        return this;
    }

    platformMove(path: string, to: string): this {
        for (const e of [...this.platformNow.values()].filter(
            (x) => x.path === path || x.path.startsWith(`${path}/`),
        )) {
            this.platformNow.delete(e.path);
            const moved = to + e.path.slice(path.length);
            this.platformNow.set(moved, { ...e, path: moved, blobETag: e.isFolder ? undefined : this.nextTag('pe') });
        }
        return this;
    }

    platformDelete(path: string): this {
        for (const p of [...this.platformNow.keys()])
            if (p === path || p.startsWith(`${path}/`)) this.platformNow.delete(p);
        return this;
    }

    // ---- planning ----

    /**
     * `firstSync` / `resync` send the full remote listing (with the tombstones delta reported, unless
     * `tombstones: false`); otherwise the delta changes.
     */
    plan(options: PlanOverrides = {}): Plan {
        return planSync(this.input(options));
    }

    input(options: PlanOverrides = {}): PlanInput {
        const { policy = 'keep-both', driveItemCount, tombstones = true, ...rest } = options;
        const full = rest.firstSync || rest.resync;
        const deleted = [...this.changed.values()].filter((c) => c.deleted && tombstones);
        return {
            baseline: this.baseline,
            remote: full ? [...this.remoteNow.values(), ...deleted] : [...this.changed.values()],
            platform: [...this.platformNow.values()],
            policy,
            driveItemCount: driveItemCount ?? Math.max(this.baseline.length, 1),
            options: {
                firstSync: false,
                resync: false,
                dryRun: false,
                bigDelete: { maxCount: 1000, maxPercent: 50 },
                now: NOW,
                ...rest,
            },
        };
    }

    /** Forget the baseline (a first sync of two populated sides). */
    withoutBaseline(): this {
        this.baseline.length = 0;
        return this;
    }

    /** Listing inputs, for tests that build their own PlanInput. */
    get platform(): PlatformEntry[] {
        return [...this.platformNow.values()];
    }

    get remoteChanges(): RemoteEntry[] {
        return [...this.changed.values()];
    }

    get remoteListing(): RemoteEntry[] {
        return [...this.remoteNow.values()];
    }

    idOf(path: string): string {
        return this.remoteAt(path).id;
    }

    // ---- internals ----

    private synced(path: string, content: string | null): void {
        const r = this.remoteEntry(`id-${path}`, path, content);
        const p = this.platformEntry(path, content);
        this.remoteNow.set(r.id, r);
        this.platformNow.set(path, p);
        this.baseline.push({
            remoteId: r.id,
            platformPath: path,
            isFolder: content === null,
            remoteETag: r.eTag,
            remoteCTag: r.cTag,
            remoteHash: r.quickXorHash,
            remoteSize: r.size,
            platformETag: p.blobETag,
            platformSize: p.size,
            platformHash: p.contentHash,
        });
    }

    private remoteEntry(id: string, path: string, content: string | null): RemoteEntry {
        const parent = path.includes('/')
            ? (this.remoteAtOrUndefined(path.slice(0, path.lastIndexOf('/')))?.id ?? null)
            : 'root';
        return {
            id,
            parentId: parent,
            name: path.split('/').pop() as string,
            path,
            isFolder: content === null,
            eTag: this.nextTag('re'),
            cTag: content === null ? undefined : this.nextTag('rc'),
            quickXorHash: content === null ? undefined : hashOf(content),
            size: content?.length ?? 0,
            lastModified: this.tick(),
        };
    }

    private platformEntry(path: string, content: string | null): PlatformEntry {
        return content === null
            ? { path, isFolder: true, size: 0, lastModified: this.tick() }
            : {
                  path,
                  isFolder: false,
                  blobETag: this.nextTag('pe'),
                  size: content.length,
                  contentHash: hashOf(content),
                  lastModified: this.tick(),
              };
    }

    private setRemote(e: RemoteEntry): void {
        this.remoteNow.set(e.id, e);
        this.changed.set(e.id, e);
    }

    private remoteAt(path: string): RemoteEntry {
        const e = this.remoteAtOrUndefined(path);
        if (!e) throw new Error(`no remote item at ${path}`);
        return e;
    }

    private remoteAtOrUndefined(path: string): RemoteEntry | undefined {
        return [...this.remoteNow.values()].find((e) => e.path === path);
    }

    private nextTag(prefix: string): string {
        return `"${prefix}${++this.tag}"`;
    }

    private tick(): string {
        this.clock += 60_000;
        return new Date(this.clock).toISOString();
    }
}

/** One line per action, for table assertions: `kind path [→ target] [extra]`. */
export function describe1(a: Action): string {
    switch (a.kind) {
        case 'renameRemote':
        case 'moveRemote':
        case 'renamePlatform':
        case 'movePlatform':
            return `${a.kind} ${a.from} -> ${a.path}`;
        case 'upload':
            return `upload ${a.from} -> ${a.path}${a.remoteId ? ' (replace)' : ''}`;
        case 'download':
            return `download ${a.path}`;
        case 'conflictKeepBoth':
            return `conflictKeepBoth ${a.path} loser=${a.loser} copy=${a.conflictPath}`;
        case 'updateBaseline':
            return `updateBaseline ${a.entry ? a.entry.platformPath : `forget ${a.previousRemoteId}`}`;
        case 'skip':
            return `skip ${a.path} ${a.rule}`;
        case 'holdDelete':
            return `holdDelete ${a.side} ${a.path}`;
        default:
            return `${a.kind} ${a.path}`;
    }
}

export function summary(plan: Plan): string[] {
    return plan.actions.map(describe1);
}
