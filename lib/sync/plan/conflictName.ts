import { foldName } from '../names';
import { Side } from './types';

/** How the conflict copy says where it came from. */
export const SIDE_LABEL: Record<Side, string> = { remote: 'SharePoint', platform: 'Platform' };

/**
 * `report (conflict 2024-05-01 from SharePoint).docx`: the extension stays last so the copy still
 * opens in the right application (bisync `--suffix-keep-extension`); the date is the run's, in UTC.
 * When that name is taken, ` (2)`, ` (3)`, … follow the label, so a copy never overwrites anything.
 */
export function conflictName(
    name: string,
    isFolder: boolean,
    from: Side,
    now: string,
    taken: ReadonlySet<string>,
): string {
    const { stem, extension } = isFolder ? { stem: name, extension: '' } : splitExtension(name);
    const label = `${stem} (conflict ${utcDate(now)} from ${SIDE_LABEL[from]})`;
    for (let n = 1; ; n++) {
        const candidate = `${label}${n === 1 ? '' : ` (${n})`}${extension}`;
        if (!taken.has(foldName(candidate))) return candidate;
    }
}

export function splitExtension(name: string): { stem: string; extension: string } {
    const dot = name.lastIndexOf('.');
    // `.gitignore` has no extension; neither does `name.` (which SharePoint rejects anyway).
    if (dot <= 0 || dot === name.length - 1) return { stem: name, extension: '' };
    return { stem: name.slice(0, dot), extension: name.slice(dot) };
}

function utcDate(iso: string): string {
    const ms = Date.parse(iso);
    return Number.isNaN(ms) ? 'unknown-date' : new Date(ms).toISOString().slice(0, 10);
}
