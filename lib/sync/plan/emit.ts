import { agreedRow, sameRow } from './baselineRow';
import { DraftList } from './drafts';
import { ItemGraph } from './itemGraph';
import { Locator } from './locate';
import { SyncItem } from './model';
import { choosePlacement } from './moves';
import { reason } from './reasons';
import { ConflictPolicy, Preconditions, Side } from './types';

/**
 * Writes each item's actions, in a fixed order per item (moves, creations, content, sync state),
 * each with its reason and the tags the applier must check before writing.
 */
export class Emitter {
    readonly list = new DraftList();

    constructor(
        private readonly graph: ItemGraph,
        private readonly at: Locator,
        private readonly policy: ConflictPolicy,
    ) {}

    emit(item: SyncItem): void {
        switch (item.fate) {
            case 'skip':
                return this.skip(item);
            case 'forget':
                return this.forget(item, 'deleted_on_both');
            case 'delete':
                return this.delete(item, item.side as Side);
            default:
                return this.survivor(item);
        }
    }

    private skip(item: SyncItem): void {
        const info = item.skip as NonNullable<SyncItem['skip']>;
        const side: Side = item.platform ? 'remote' : 'platform';
        const path = item.platform?.path ?? item.remote?.path ?? '';
        this.list.add(item, {
            kind: 'skip',
            side,
            path,
            rule: info.rule,
            hint: info.hint,
            reason: reason(info.rule, info.message),
            preconditions: {},
        });
    }

    private forget(item: SyncItem, code: string): void {
        const previousRemoteId = item.baseline?.remoteId;
        this.list.add(item, {
            kind: 'updateBaseline',
            previousRemoteId,
            entry: null,
            reason: reason(code),
            preconditions: {},
        });
    }

    /** Deletes go to the recycle bin / platform trash, guarded by the tag the plan saw (graph-sync.md §1.5). */
    private delete(item: SyncItem, side: Side): void {
        const path = this.at.pathAtTime(item, side);
        const meta = { vacates: [{ side, path }], at: [side] };
        const why = reason(item.why as string);
        if (side === 'remote') {
            const remote = item.remote as NonNullable<SyncItem['remote']>;
            const preconditions = { remoteIfMatch: remote.eTag };
            this.list.add(
                item,
                {
                    kind: 'deleteRemote',
                    remoteId: remote.id,
                    path,
                    isFolder: item.isFolder,
                    toRecycleBin: true,
                    reason: why,
                    preconditions,
                },
                meta,
            );
        } else {
            const preconditions = { platformIfMatch: item.platform?.blobETag };
            this.list.add(
                item,
                {
                    kind: 'deletePlatform',
                    path,
                    isFolder: item.isFolder,
                    toRecycleBin: true,
                    reason: why,
                    preconditions,
                },
                meta,
            );
        }
    }

    private survivor(item: SyncItem): void {
        for (const row of item.replaces ?? []) {
            this.list.add(item, {
                kind: 'updateBaseline',
                previousRemoteId: row.remoteId,
                entry: null,
                reason: reason('replaced_by_pair'),
                preconditions: {},
            });
        }
        this.moveOrCreate(item, 'remote');
        this.moveOrCreate(item, 'platform');
        this.content(item);
        this.syncState(item);
    }

    private moveOrCreate(item: SyncItem, side: Side): void {
        const live = side === 'remote' ? item.remote : item.platform;
        if (live && this.at.needsMove(item, side)) this.move(item, side);
        else if (!live) this.create(item, side);
    }

    private move(item: SyncItem, side: Side): void {
        const from = this.at.pathAtTime(item, side);
        const path = this.at.finalPath(item);
        const renameOnly = this.graph.placeOn(item, side)?.parent === item.final?.parent;
        const meta = { places: [{ side, path }], vacates: [{ side, path: from }], at: [side] };
        const why = reason(this.moveReason(item));
        if (side === 'remote') {
            const remote = item.remote as NonNullable<SyncItem['remote']>;
            const kind = renameOnly ? 'renameRemote' : 'moveRemote';
            this.list.add(
                item,
                { kind, remoteId: remote.id, from, path, reason: why, preconditions: { remoteIfMatch: remote.eTag } },
                meta,
            );
        } else {
            const kind = renameOnly ? 'renamePlatform' : 'movePlatform';
            const preconditions = { platformIfMatch: item.platform?.blobETag };
            this.list.add(item, { kind, from, path, isFolder: item.isFolder, reason: why, preconditions }, meta);
        }
    }

    private moveReason(item: SyncItem): string {
        if (item.displacedFrom !== undefined) return 'name_taken';
        if (item.fate === 'keep') return choosePlacement(this.graph, item, this.policy).why ?? 'moved_on_remote';
        if (item.fate === 'pair') return 'created_on_both';
        return `moved_on_${item.side}`;
    }

    /** The item exists on one side only: copy it across (a creation, or an edit that beat a delete). */
    private create(item: SyncItem, side: Side): void {
        const path = this.at.finalPath(item);
        const why = reason(item.why ?? `created_on_${item.side}`);
        const places = { places: [{ side, path }] };
        const mustNotExist: Side[] = [side];
        if (item.isFolder) {
            const kind = side === 'remote' ? 'createRemoteFolder' : 'createPlatformFolder';
            this.list.add(item, { kind, path, reason: why, preconditions: { mustNotExist } }, places);
        } else if (side === 'remote') {
            const platform = item.platform as NonNullable<SyncItem['platform']>;
            const from = this.at.pathAfterMove(item, 'platform');
            const preconditions = { mustNotExist, platformIfMatch: platform.blobETag };
            this.list.add(
                item,
                {
                    kind: 'upload',
                    from,
                    path,
                    size: platform.size,
                    contentHash: platform.contentHash,
                    reason: why,
                    preconditions,
                },
                { ...places, at: ['platform'] },
            );
        } else {
            const remote = item.remote as NonNullable<SyncItem['remote']>;
            const preconditions = { mustNotExist, remoteIfMatch: this.remoteContentTag(item) };
            this.list.add(
                item,
                {
                    kind: 'download',
                    remoteId: remote.id,
                    path,
                    size: remote.size,
                    contentHash: remote.quickXorHash,
                    reason: why,
                    preconditions,
                },
                places,
            );
        }
        if (side === 'remote' && item.baseline && !item.remote) this.forget(item, item.why ?? 'delete_vs_edit');
    }

    /** An item live on both sides whose content differs: the decision table's content rows. */
    private content(item: SyncItem): void {
        const decision = item.content;
        const remote = item.remote;
        const platform = item.platform;
        if (!decision || !remote || !platform || decision.kind === 'none' || decision.kind === 'equal') return;
        const path = this.at.finalPath(item);
        const source = this.at.pathAfterMove(item, 'platform');
        const preconditions: Preconditions = {
            remoteIfMatch: this.remoteContentTag(item),
            platformIfMatch: platform.blobETag,
        };
        const why = reason(decision.why);
        if (decision.kind === 'download') {
            this.list.add(
                item,
                {
                    kind: 'download',
                    remoteId: remote.id,
                    path,
                    size: remote.size,
                    contentHash: remote.quickXorHash,
                    reason: why,
                    preconditions,
                },
                { places: [{ side: 'platform', path }], at: ['platform'] },
            );
        } else if (decision.kind === 'upload') {
            this.list.add(
                item,
                {
                    kind: 'upload',
                    from: source,
                    path,
                    remoteId: remote.id,
                    size: platform.size,
                    contentHash: platform.contentHash,
                    reason: why,
                    preconditions,
                },
                { places: [{ side: 'remote', path }], at: ['platform', 'remote'] },
            );
        } else {
            const conflictPath = this.at.tree.conflictPath.get(item.key) as string;
            const places = (['remote', 'platform'] as const).flatMap((side) => [
                { side, path },
                { side, path: conflictPath },
            ]);
            this.list.add(
                item,
                {
                    kind: 'conflictKeepBoth',
                    remoteId: remote.id,
                    platformPath: source,
                    path,
                    conflictPath,
                    loser: decision.loser,
                    reason: why,
                    preconditions,
                },
                { places, at: ['platform', 'remote'] },
            );
        }
    }

    /**
     * Items that need no transfer get their new baseline row here: equal content, metadata-only
     * changes, a pair matched by name, a move made the same way on both sides. Items with a remote
     * move or a transfer get theirs from the applier, which alone knows the new tags.
     */
    private syncState(item: SyncItem): void {
        const transfers =
            item.content?.kind === 'download' || item.content?.kind === 'upload' || item.content?.kind === 'keepBoth';
        if (transfers || !item.remote || !item.platform || this.at.needsMove(item, 'remote')) return;
        const row = agreedRow(item, this.at.finalPath(item));
        if (!row || (item.fate === 'keep' && sameRow(row, item.baseline))) return;
        const code =
            item.content?.kind === 'equal'
                ? item.content.why
                : item.fate === 'pair'
                  ? 'created_on_both'
                  : this.stateReason(item);
        // After any ancestor's move on either side: the row records where the item will be.
        const at: Side[] = ['remote', 'platform'];
        this.list.add(
            item,
            {
                kind: 'updateBaseline',
                previousRemoteId: item.baseline?.remoteId,
                entry: row,
                reason: reason(code),
                preconditions: {},
            },
            { at },
        );
    }

    private stateReason(item: SyncItem): string {
        if (this.at.needsMove(item, 'platform')) return this.moveReason(item);
        return item.remoteChange === 'same' && item.platformChange === 'same' ? 'moved_on_both' : 'metadata_only';
    }

    /** cTag covers content only and survives a rename, so it is the right If-Match for a content write (§1.4). */
    private remoteContentTag(item: SyncItem): string | undefined {
        const remote = item.remote;
        if (!remote) return undefined;
        const keptCTag = item.remoteChange !== 'content' ? item.baseline?.remoteCTag : undefined;
        return remote.cTag ?? keptCTag ?? remote.eTag;
    }
}
