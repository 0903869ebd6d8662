import type { Action, PlatformEntry, RemoteEntry } from '../../../lib/sync/plan/types';

/**
 * Both sides after a plan's actions, played on a model of the listings: SharePoint items by id (path,
 * content), platform entries by path. What a test compares when two plans may differ in form but
 * must not in result (a move seen as a delete and a creation). A file's content is its hash; a folder's
 * is null. Deletes go to a recycle bin, which the model keeps apart: "lost" means on neither side.
 */
export interface EndState {
    remote: Map<string, { path: string; content: string | null }>;
    platform: Map<string, string | null>;
    recycled: string[];
}

export function initialState(remote: readonly RemoteEntry[], platform: readonly PlatformEntry[]): EndState {
    const state: EndState = { remote: new Map(), platform: new Map(), recycled: [] };
    for (const e of remote)
        if (!e.deleted) state.remote.set(e.id, { path: e.path, content: e.isFolder ? null : (e.quickXorHash ?? '') });
    for (const e of platform) state.platform.set(e.path, e.isFolder ? null : (e.contentHash ?? ''));
    return state;
}

export function play(state: EndState, actions: readonly Action[]): EndState {
    let created = 0;
    const remoteAt = (path: string) => [...state.remote].find(([, v]) => v.path.toLowerCase() === path.toLowerCase());
    const putRemote = (path: string, content: string | null, id?: string) => {
        const at = id ?? remoteAt(path)?.[0] ?? `created-${++created}`;
        state.remote.set(at, { path, content });
    };
    const under = (path: string, p: string) => p === path || p.startsWith(`${path}/`);
    const moveRemote = (id: string, to: string) => {
        const from = state.remote.get(id)?.path;
        if (from === undefined) return;
        for (const v of state.remote.values()) if (under(from, v.path)) v.path = to + v.path.slice(from.length);
    };
    // Blob names: a folder (a name prefix) never replaces a file of the same name, they coexist.
    const setPlatform = (path: string, content: string | null) => {
        if (content !== null || typeof state.platform.get(path) !== 'string') state.platform.set(path, content);
    };
    const movePlatform = (from: string, to: string) => {
        for (const [p, c] of [...state.platform])
            if (under(from, p)) {
                state.platform.delete(p);
                setPlatform(to + p.slice(from.length), c);
            }
    };
    // An upload may come before the platform rename that gives its source its name (it reads the blob
    // under either): its content is found under the name it had before.
    const before = new Map<string, string>();
    for (const a of actions) if (a.kind === 'renamePlatform' || a.kind === 'movePlatform') before.set(a.path, a.from);
    const blob = (path: string) => state.platform.get(path) ?? state.platform.get(before.get(path) ?? '');
    for (const a of actions) {
        switch (a.kind) {
            case 'createRemoteFolder':
                putRemote(a.path, null);
                break;
            case 'createPlatformFolder':
                setPlatform(a.path, null);
                break;
            case 'upload':
                putRemote(a.path, blob(a.from) ?? `missing:${a.from}`, a.remoteId);
                break;
            case 'download':
                state.platform.set(a.path, state.remote.get(a.remoteId)?.content ?? `missing:${a.remoteId}`);
                break;
            case 'renameRemote':
            case 'moveRemote':
                moveRemote(a.remoteId, a.path);
                break;
            case 'renamePlatform':
            case 'movePlatform':
                movePlatform(a.from, a.path);
                break;
            case 'deleteRemote': {
                const gone = state.remote.get(a.remoteId);
                if (!gone) break;
                for (const [id, v] of [...state.remote])
                    if (under(gone.path, v.path)) {
                        state.remote.delete(id);
                        if (v.content !== null) state.recycled.push(v.content);
                    }
                break;
            }
            case 'deletePlatform':
                for (const [p, c] of [...state.platform])
                    if (under(a.path, p)) {
                        state.platform.delete(p);
                        if (c !== null) state.recycled.push(c);
                    }
                break;
            case 'conflictKeepBoth': {
                const remoteContent = state.remote.get(a.remoteId)?.content ?? `missing:${a.remoteId}`;
                const platformContent = blob(a.platformPath) ?? `missing:${a.platformPath}`;
                if (a.loser === 'platform') {
                    state.platform.set(a.conflictPath, platformContent);
                    putRemote(a.conflictPath, platformContent);
                    state.platform.set(a.path, remoteContent);
                } else {
                    moveRemote(a.remoteId, a.conflictPath);
                    state.platform.set(a.conflictPath, remoteContent);
                    putRemote(a.path, platformContent);
                    if (a.platformPath !== a.path) state.platform.delete(a.platformPath);
                    state.platform.set(a.path, platformContent);
                }
                break;
            }
            default:
                break;
        }
    }
    return state;
}

/** File contents on a side (a multiset, sorted). */
export function filesOf(state: EndState, side: 'remote' | 'platform'): string[] {
    const contents =
        side === 'remote' ? [...state.remote.values()].map((v) => v.content) : [...state.platform.values()];
    return contents.filter((c): c is string => c !== null).sort();
}
