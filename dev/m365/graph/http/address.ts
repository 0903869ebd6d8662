import { badRequest } from './errors';

/**
 * Parses Graph's drive-item addressing: a drive selector (`/me/drive`, `/users/{id}/drive`,
 * `/drives/{id}`, `/sites/{id}/drive`), then `root` or `items/{id}`, optionally a relative path
 * (`:/a/b:`), then an action (`/children`, `/content`, `/createUploadSession`, `/delta`).
 */
export type DriveSelector =
    | { kind: 'me' }
    | { kind: 'user'; idOrUpn: string }
    | { kind: 'drive'; driveId: string }
    | { kind: 'site'; siteId: string };

export interface ItemAddress {
    base: 'root' | { itemId: string };
    /** Decoded path segments after `:/`, if path-addressed. */
    path?: string[];
    /** `children`, `content`, `createUploadSession`, `delta`, or '' for the item itself. */
    action: string;
}

export interface DriveAddress {
    drive: DriveSelector;
    /** undefined when the URL addresses the drive itself. */
    item?: ItemAddress;
}

export function parseDriveAddress(path: string): DriveAddress | undefined {
    const m =
        /^\/me\/drive(\/.*)?$/.exec(path) ??
        /^\/users\/([^/]+)\/drive(\/.*)?$/.exec(path) ??
        /^\/drives\/([^/:]+)(\/.*)?$/.exec(path) ??
        /^\/sites\/([^/:]+)\/drive(\/.*)?$/.exec(path);
    if (!m) return undefined;
    let drive: DriveSelector;
    let rest: string;
    if (path.startsWith('/me/')) {
        drive = { kind: 'me' };
        rest = m[1] ?? '';
    } else {
        const id = decode(m[1]);
        drive = path.startsWith('/users/')
            ? { kind: 'user', idOrUpn: id }
            : path.startsWith('/drives/')
              ? { kind: 'drive', driveId: id }
              : { kind: 'site', siteId: id };
        rest = m[2] ?? '';
    }
    if (rest === '' || rest === '/') return { drive };
    const item = parseItem(rest);
    return item ? { drive, item } : undefined;
}

function parseItem(rest: string): ItemAddress | undefined {
    const m = /^\/(root|items\/([^/:]+))(.*)$/.exec(rest);
    if (!m) return undefined;
    const base: ItemAddress['base'] = m[1] === 'root' || m[2] === 'root' ? 'root' : { itemId: decode(m[2]) };
    let tail = m[3];
    if (!tail.startsWith(':')) return { base, action: normaliseAction(tail) };
    tail = tail.slice(1);
    const colon = tail.indexOf(':');
    const rawPath = colon >= 0 ? tail.slice(0, colon) : tail;
    const action = colon >= 0 ? tail.slice(colon + 1) : '';
    const segments = rawPath
        .split('/')
        .filter((s) => s.length > 0)
        .map(decode);
    return { base, path: segments, action: normaliseAction(action) };
}

function normaliseAction(tail: string): string {
    return tail.replace(/^\/+|\/+$/g, '');
}

export function decode(segment: string): string {
    try {
        return decodeURIComponent(segment);
    } catch {
        throw badRequest('The URL contains an invalid percent-encoding.', 'invalidPath');
    }
}
