/**
 * Long JSON in Table Storage rows: a string column holds 64 KiB of UTF-16 and an entity 1 MiB, so
 * text is cut into columns `c0…c11` of at most 30,000 characters each. The run outcomes, the delta
 * page journal and the first-sync staging rows all pack their items this way: a few hundred rows
 * for 100,000 items instead of 100,000 entities.
 */
export const CHUNK_CHARS = 30_000;
export const CHUNKS_PER_ROW = 12;
/** The most text one row holds. */
export const ROW_CHARS = CHUNK_CHARS * CHUNKS_PER_ROW;

export type PackedColumns = { [chunk: `c${number}`]: string };

/** The columns for `text` (at most ROW_CHARS long: split longer text over rows first, see rowPieces). */
export function toColumns(text: string): PackedColumns {
    const columns: PackedColumns = {};
    for (let i = 0, at = 0; at < text.length; i++, at += CHUNK_CHARS)
        columns[`c${i}`] = text.slice(at, at + CHUNK_CHARS);
    return columns;
}

/** The text a row's columns hold, in column order (other properties of the row are ignored). */
export function fromColumns(row: object): string {
    const columns = row as Record<string, unknown>;
    return Object.keys(columns)
        .filter((k) => /^c\d+$/.test(k))
        .sort((a, b) => Number(a.slice(1)) - Number(b.slice(1)))
        .map((k) => columns[k] as string)
        .join('');
}

/** `text` in pieces of at most ROW_CHARS: one per row (at least one, possibly empty). */
export function rowPieces(text: string): string[] {
    const pieces: string[] = [];
    for (let at = 0; at < text.length; at += ROW_CHARS) pieces.push(text.slice(at, at + ROW_CHARS));
    return pieces.length ? pieces : [''];
}
