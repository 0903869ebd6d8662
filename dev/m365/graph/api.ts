import type { DeltaFeeds, ResyncLocation } from './delta/delta';
import type { DeltaQuirkOptions } from './faults/deltaQuirks';
import { addShortcut, createNotebook, removeWithoutTombstone } from './items/quirkItems';
import type { Delivery } from './subscriptions/delivery';
import type { Subscriptions } from './subscriptions/subscriptions';
import type { UploadSessions } from './uploads/sessions';
import type { UploadFault } from './uploads/session';
import type { ChaosOptions, FaultRule, Faults } from './faults/faults';
import { GraphError } from './http/errors';
import { cTagOf, eTagOf } from './items/serialize';
import {
    deleteItem,
    enrich,
    liveChildren,
    namesFromRoot,
    putItem,
    renameOrMove,
    replaceContent,
    resolveRelative,
} from './items/operations';
import { mergeOptions, type DeepPartial, type ResyncVariant, type SimOptions } from './model/options';
import { newCounters, type Counters, type SimState } from './model/state';
import type { DriveType, IdentitySet, SimDrive, SimItem, SimSite, SiteRole } from './model/types';

/**
 * The programmatic side door for tests (and, through control.ts, for anything that speaks HTTP):
 * build tenants' sites and drives, act "as a user" directly in SharePoint, inject faults, read
 * counters. Nothing here goes through Graph's permission checks: it is the world Graph observes.
 */
export interface SiteInfo {
    id: string;
    name: string;
    hostname: string;
    path: string;
    driveIds: string[];
}

export interface DriveInfo {
    id: string;
    driveType: DriveType;
    name: string;
    rootId: string;
    siteId?: string;
    ownerUserId?: string;
}

export interface ItemInfo {
    id: string;
    driveId: string;
    parentId?: string;
    name: string;
    /** `/a/b.txt`, from the drive root. */
    path: string;
    isFolder: boolean;
    size: number;
    eTag: string;
    cTag: string;
    quickXorHash: string;
    versions: number;
    deleted: boolean;
    lastModifiedDateTime: string;
    fileSystemModified: string;
    /** Set on packages (`oneNote` for a OneNote notebook). */
    packageType?: string;
    /** Set on shortcuts (`remoteItem`): the drive and item they point at. */
    shortcutTo?: { driveId: string; id: string };
    /** Listed without `file.hashes`. */
    hashless?: boolean;
}

/** A file's bytes: raw, text, or base64 (for JSON callers of the control routes). */
export type ContentInput = string | Uint8Array | { base64: string };

export interface UserEdit {
    /** Directory user id the change is attributed to; default the drive owner or "SharePoint App". */
    asUser?: string;
    /** fileSystemInfo.lastModifiedDateTime, epoch ms. */
    modifiedAt?: number;
}

export interface GraphSimApi {
    createSite(input: {
        tenantId: string;
        name: string;
        displayName?: string;
        description?: string;
        hostname?: string;
        path?: string;
        members?: Record<string, SiteRole>;
    }): SiteInfo;
    createLibrary(siteId: string, name: string, options?: { description?: string; quotaTotal?: number }): DriveInfo;
    createOneDrive(
        tenantId: string,
        userId: string,
        options?: { driveType?: 'business' | 'personal'; quotaTotal?: number },
    ): DriveInfo;
    setSiteMember(siteId: string, userId: string, role: SiteRole | undefined): void;
    /** A Sites.Selected grant (what `POST /sites/{id}/permissions` does for an app). */
    grantSiteToApp(siteId: string, appId: string, role: SiteRole | undefined): void;
    listDrives(tenantId?: string): DriveInfo[];
    listSites(tenantId?: string): SiteInfo[];

    putFile(driveId: string, path: string, content: ContentInput, edit?: UserEdit): ItemInfo;
    mkdirp(driveId: string, path: string, edit?: UserEdit): ItemInfo;
    move(driveId: string, pathOrId: string, newParentPath: string, newName?: string, edit?: UserEdit): ItemInfo;
    rename(driveId: string, pathOrId: string, newName: string, edit?: UserEdit): ItemInfo;
    remove(driveId: string, pathOrId: string): void;
    getItem(driveId: string, pathOrId: string): ItemInfo | undefined;
    readContent(driveId: string, pathOrId: string): Buffer;
    /** Every live item below the root, parent before child. */
    listTree(driveId: string): ItemInfo[];

    setOptions(patch: DeepPartial<SimOptions>): void;
    getOptions(): SimOptions;
    addFault(rule: FaultRule): void;
    setChaos(options: ChaosOptions | undefined): void;
    addUploadFault(fault: UploadFault): void;
    clearFaults(): void;
    /** The drive's delta tokens answer 410; `location` true/'fails': the Location answers 500; 'absent': a plain 410 without one. */
    expireDeltaTokens(driveId: string, variant?: ResyncVariant, location?: boolean | ResyncLocation): void;
    failDeltaSnapshots(count: number): void;
    /** Field-reported delta faults at seeded rates (dropped tombstones, 410s); undefined turns them off. */
    setDeltaQuirks(options: DeltaQuirkOptions | undefined): void;
    /** Deletes the item (and its subtree) without delta ever reporting it (onedrive-api-docs#1927). */
    removeWithoutTombstone(driveId: string, pathOrId: string): void;
    /** A OneNote notebook (a `package` item with its internals) at `path`. */
    createNotebook(driveId: string, path: string, options?: { sections?: string[]; edit?: UserEdit }): ItemInfo;
    /** A shortcut at the drive's root to a folder (or file) of another drive ("Add shortcut to My files"). */
    addShortcut(driveId: string, target: { driveId: string; pathOrId: string }, name?: string): ItemInfo;
    /** Lists the file without `file.hashes` (as OneNote files and some SharePoint items are). */
    setHashless(driveId: string, pathOrId: string, on: boolean): void;
    setMalware(driveId: string, pathOrId: string, virusName: string | undefined): void;
    setLyingMetadata(
        driveId: string,
        pathOrId: string,
        reported: { size: number; quickXorHash: string } | undefined,
    ): void;
    setRetentionHold(driveId: string, pathOrId: string, on: boolean): void;
    setCheckedOut(driveId: string, pathOrId: string, on: boolean): void;
    /** SharePoint rewrites the file now (appends bytes; new size, hash, eTag, cTag). */
    enrich(driveId: string, pathOrId: string, bytes?: number): ItemInfo;

    listSubscriptions(): {
        id: string;
        driveId: string;
        notificationUrl: string;
        clientState?: string;
        expirationDateTime: string;
    }[];
    /** Posts a notification for a subscription with a chosen clientState (forgery test). */
    sendForgedNotification(subscriptionId: string, clientState: string): void;
    /** Resolves when no notification is queued, waiting to retry or in flight. */
    flushNotifications(): Promise<void>;

    counters(): Counters;
    resetCounters(): void;
}

export interface ApiParts {
    state: SimState;
    faults: Faults;
    uploads: UploadSessions;
    delta: DeltaFeeds;
    subscriptions: Subscriptions;
    delivery: Delivery;
}

export function createApi(parts: ApiParts): GraphSimApi {
    const { state, faults, uploads, delta, subscriptions, delivery } = parts;

    const drive = (id: string): SimDrive => {
        const d = state.drives.get(id);
        if (!d) throw new Error(`No drive ${id}`);
        return d;
    };
    const root = (d: SimDrive): SimItem => state.items.get(d.rootId) as SimItem;
    const find = (driveId: string, pathOrId: string): SimItem | undefined => {
        const d = drive(driveId);
        const byId = state.items.get(pathOrId);
        if (byId && byId.driveId === d.id && byId.deletedAt === undefined) return byId;
        return resolveRelative(state, root(d), pathOrId);
    };
    const must = (driveId: string, pathOrId: string): SimItem => {
        const item = find(driveId, pathOrId);
        if (!item) throw new Error(`No item ${pathOrId} in drive ${driveId}`);
        return item;
    };
    const by = (d: SimDrive, edit?: UserEdit): IdentitySet => {
        const userId = edit?.asUser ?? d.ownerUserId;
        const user = userId ? state.deps.directory.getUser(d.tenantId, userId) : undefined;
        if (userId) return { user: { id: userId, displayName: user?.displayName ?? userId, email: user?.mail } };
        return { user: { id: '00000000-0000-0000-0000-000000000000', displayName: 'SharePoint App' } };
    };
    const info = (item: SimItem): ItemInfo => ({
        id: item.id,
        driveId: item.driveId,
        parentId: item.parentId,
        name: item.name,
        path: '/' + namesFromRoot(state, item).join('/'),
        isFolder: item.isFolder,
        size: item.content.length,
        eTag: eTagOf(item),
        cTag: cTagOf(item),
        quickXorHash: item.quickXorHash,
        versions: item.versions,
        deleted: item.deletedAt !== undefined,
        lastModifiedDateTime: new Date(item.modifiedAt).toISOString(),
        fileSystemModified: new Date(item.fsModifiedAt).toISOString(),
        ...(item.packageType ? { packageType: item.packageType } : {}),
        ...(item.remote ? { shortcutTo: { driveId: item.remote.driveId, id: item.remote.id } } : {}),
        ...(item.hashless ? { hashless: true } : {}),
    });
    const mkdirp = (driveId: string, path: string, edit?: UserEdit): SimItem => {
        const d = drive(driveId);
        let at = root(d);
        for (const name of path.split('/').filter(Boolean)) {
            at = putItem(state, at, { name, isFolder: true, by: by(d, edit), conflictBehavior: 'replace' }).item;
        }
        return at;
    };
    const siteInfo = (s: SimSite): SiteInfo => ({
        id: s.id,
        name: s.name,
        hostname: s.hostname,
        path: s.path,
        driveIds: [...s.driveIds],
    });
    const driveInfo = (d: SimDrive): DriveInfo => ({
        id: d.id,
        driveType: d.driveType,
        name: d.name,
        rootId: d.rootId,
        siteId: d.siteId,
        ownerUserId: d.ownerUserId,
    });

    const newDrive = (
        input: Omit<SimDrive, 'id' | 'rootId' | 'createdAt' | 'seq' | 'seqLog' | 'tokenEpoch'>,
    ): SimDrive => {
        const personal = input.driveType === 'personal';
        const id = personal ? state.ids.personalDriveId() : state.ids.businessDriveId();
        const now = state.now();
        const rootId = personal ? `${id.toUpperCase()}!100` : state.ids.businessItemId();
        const d: SimDrive = { ...input, id, rootId, createdAt: now, seq: 0, seqLog: [], tokenEpoch: 0 };
        const system: IdentitySet = {
            user: { displayName: 'System Account', id: '00000000-0000-0000-0000-000000000000' },
        };
        state.drives.set(id, d);
        state.items.set(rootId, {
            id: rootId,
            driveId: id,
            name: 'root',
            isFolder: true,
            content: Buffer.alloc(0),
            quickXorHash: '',
            mimeType: '',
            guid: state.ids.guid().toUpperCase(),
            eTagVersion: 1,
            cTagVersion: 1,
            versions: 0,
            createdAt: now,
            modifiedAt: now,
            fsCreatedAt: now,
            fsModifiedAt: now,
            createdBy: system,
            modifiedBy: system,
            seq: 0,
        });
        state.children.set(rootId, new Set());
        return d;
    };

    return {
        createSite(input) {
            const hostname = input.hostname ?? defaultHostname(state, input.tenantId);
            const slug = input.name.toLowerCase().replace(/[^a-z0-9]+/g, '');
            const site: SimSite = {
                id: `${hostname},${state.ids.guid()},${state.ids.guid()}`,
                tenantId: input.tenantId,
                hostname,
                path: input.path ?? `/sites/${slug}`,
                name: slug,
                displayName: input.displayName ?? input.name,
                description: input.description ?? '',
                createdAt: state.now(),
                members: new Map(Object.entries(input.members ?? {})),
                appGrants: new Map(),
                driveIds: [],
            };
            state.sites.set(site.id, site);
            return siteInfo(site);
        },
        createLibrary(siteId, name, options) {
            const site = state.sites.get(siteId);
            if (!site) throw new Error(`No site ${siteId}`);
            const d = newDrive({
                tenantId: site.tenantId,
                driveType: 'documentLibrary',
                name,
                description: options?.description ?? '',
                siteId,
                webUrl: `https://${site.hostname}${site.path}/${encodeURIComponent(name === 'Documents' ? 'Shared Documents' : name)}`,
                quotaTotal: options?.quotaTotal ?? 25 * 1024 ** 4,
            });
            site.driveIds.push(d.id);
            return driveInfo(d);
        },
        createOneDrive(tenantId, userId, options) {
            const user = state.deps.directory.getUser(tenantId, userId);
            const upn = (user?.userPrincipalName ?? userId).replace(/[@.]/g, '_');
            const host = defaultHostname(state, tenantId).replace('.sharepoint.com', '-my.sharepoint.com');
            const d = newDrive({
                tenantId,
                driveType: options?.driveType ?? 'business',
                name: 'OneDrive',
                description: '',
                ownerUserId: user?.id ?? userId,
                webUrl: `https://${host}/personal/${upn}/Documents`,
                quotaTotal: options?.quotaTotal ?? 1024 ** 4,
            });
            return driveInfo(d);
        },
        setSiteMember(siteId, userId, role) {
            const site = state.sites.get(siteId);
            if (!site) throw new Error(`No site ${siteId}`);
            if (role) site.members.set(userId, role);
            else site.members.delete(userId);
        },
        grantSiteToApp(siteId, appId, role) {
            const site = state.sites.get(siteId);
            if (!site) throw new Error(`No site ${siteId}`);
            if (role) site.appGrants.set(appId, role);
            else site.appGrants.delete(appId);
        },
        listDrives: (tenantId) =>
            [...state.drives.values()].filter((d) => !tenantId || d.tenantId === tenantId).map(driveInfo),
        listSites: (tenantId) =>
            [...state.sites.values()].filter((s) => !tenantId || s.tenantId === tenantId).map(siteInfo),

        putFile(driveId, path, content, edit) {
            const d = drive(driveId);
            const names = path.split('/').filter(Boolean);
            const parent = mkdirp(driveId, names.slice(0, -1).join('/'), edit);
            const bytes = toBuffer(content);
            const existing = resolveRelative(state, parent, names[names.length - 1]);
            if (existing && !existing.isFolder) {
                replaceContent(state, existing, bytes, by(d, edit), { fsModifiedAt: edit?.modifiedAt });
                return info(existing);
            }
            const { item } = putItem(state, parent, {
                name: names[names.length - 1],
                isFolder: false,
                content: bytes,
                by: by(d, edit),
                conflictBehavior: 'fail',
                fsModifiedAt: edit?.modifiedAt,
                fsCreatedAt: edit?.modifiedAt,
            });
            return info(item);
        },
        mkdirp: (driveId, path, edit) => info(mkdirp(driveId, path, edit)),
        move(driveId, pathOrId, newParentPath, newName, edit) {
            const item = must(driveId, pathOrId);
            const parent = mkdirp(driveId, newParentPath, edit);
            renameOrMove(state, item, { parent, name: newName }, by(drive(driveId), edit));
            return info(item);
        },
        rename(driveId, pathOrId, newName, edit) {
            const item = must(driveId, pathOrId);
            renameOrMove(state, item, { name: newName }, by(drive(driveId), edit));
            return info(item);
        },
        remove: (driveId, pathOrId) => deleteItem(state, must(driveId, pathOrId)),
        getItem(driveId, pathOrId) {
            const item =
                find(driveId, pathOrId) ??
                (state.items.get(pathOrId)?.driveId === driveId ? state.items.get(pathOrId) : undefined);
            return item ? info(item) : undefined;
        },
        readContent: (driveId, pathOrId) => Buffer.from(must(driveId, pathOrId).content),
        listTree(driveId) {
            const out: ItemInfo[] = [];
            const walk = (folder: SimItem): void => {
                for (const child of liveChildren(state, folder)) {
                    out.push(info(child));
                    if (child.isFolder) walk(child);
                }
            };
            walk(root(drive(driveId)));
            return out;
        },

        setOptions: (patch) => mergeOptions(state.options, patch),
        getOptions: () => structuredClone(state.options),
        addFault: (rule) => faults.add(rule),
        setChaos: (options) => faults.setChaos(options),
        addUploadFault: (fault) => uploads.addFault(fault),
        clearFaults() {
            faults.clear();
            uploads.clearFaults();
            delta.failSnapshots(0);
        },
        expireDeltaTokens: (driveId, variant, location) =>
            delta.expireTokens(
                driveId,
                variant,
                location === true ? 'fails' : location === false || location === undefined ? 'valid' : location,
            ),
        failDeltaSnapshots: (count) => delta.failSnapshots(count),
        setDeltaQuirks: (options) => state.deltaQuirks.configure(options),
        removeWithoutTombstone: (driveId, pathOrId) => removeWithoutTombstone(state, must(driveId, pathOrId)),
        createNotebook(driveId, path, options) {
            const d = drive(driveId);
            const names = path.split('/').filter(Boolean);
            const parent = mkdirp(driveId, names.slice(0, -1).join('/'), options?.edit);
            return info(
                createNotebook(state, parent, names[names.length - 1], by(d, options?.edit), options?.sections),
            );
        },
        addShortcut(driveId, target, name) {
            const pointee = must(target.driveId, target.pathOrId);
            return info(addShortcut(state, drive(driveId), pointee, name ?? pointee.name, by(drive(driveId))));
        },
        setHashless(driveId, pathOrId, on) {
            must(driveId, pathOrId).hashless = on;
        },
        setMalware(driveId, pathOrId, virusName) {
            must(driveId, pathOrId).malware = virusName;
        },
        setLyingMetadata(driveId, pathOrId, reported) {
            must(driveId, pathOrId).reported = reported;
        },
        setRetentionHold(driveId, pathOrId, on) {
            must(driveId, pathOrId).retentionHold = on;
        },
        setCheckedOut(driveId, pathOrId, on) {
            must(driveId, pathOrId).checkedOut = on;
        },
        enrich(driveId, pathOrId, bytes) {
            const item = must(driveId, pathOrId);
            enrich(state, item, bytes ?? state.options.enrichment.bytes);
            return info(item);
        },

        listSubscriptions: () =>
            subscriptions.live().map((s) => ({
                id: s.id,
                driveId: s.driveId,
                notificationUrl: s.notificationUrl,
                clientState: s.clientState,
                expirationDateTime: new Date(s.expiresAt).toISOString(),
            })),
        sendForgedNotification(subscriptionId, clientState) {
            const sub = subscriptions.all.get(subscriptionId);
            if (!sub) throw new GraphError(404, 'ResourceNotFound', 'No such subscription');
            delivery.enqueue(sub.notificationUrl, [subscriptions.entry(sub, clientState)]);
        },
        flushNotifications: () => delivery.idle(),

        counters: () => structuredClone(state.counters),
        resetCounters() {
            state.counters = newCounters();
        },
    };
}

function toBuffer(content: ContentInput): Buffer {
    if (typeof content === 'string') return Buffer.from(content, 'utf8');
    if (content instanceof Uint8Array) return Buffer.from(content);
    return Buffer.from(content.base64, 'base64');
}

/** `contoso.sharepoint.com` from the tenant's users' UPN domain (`contoso.onmicrosoft.com`). */
function defaultHostname(state: SimState, tenantId: string): string {
    const upn = state.deps.directory.listUsers(tenantId)[0]?.userPrincipalName ?? '';
    const domain = upn.split('@')[1] ?? '';
    const label = domain.endsWith('.onmicrosoft.com') ? domain.split('.')[0] : domain.split('.')[0] || 'contoso';
    return `${label.toLowerCase()}.sharepoint.com`;
}
