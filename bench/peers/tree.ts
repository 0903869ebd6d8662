import { createCipheriv, createHash } from 'node:crypto';
import { createReadStream, mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/**
 * The seeded trees every contender syncs: deterministic bytes (AES-CTR keyed by the file's path, so they
 * do not compress and are the same in every drive), and their SHA-256 to verify what each one wrote.
 */
export interface TreeFile {
    /** Path below the tree's root folder, '/'-separated. */
    path: string;
    size: number;
}

export interface Tree {
    /** The folder at the drive's root that holds it ('small', 'large'). */
    root: string;
    files: TreeFile[];
    bytes: number;
}

const KIB = 1024;
const MIB = 1024 * KIB;

/** `count` files of 4–64 KB in folders of about 30 files (10,000 files → 334 folders). */
export function smallTree(count: number): Tree {
    const perFolder = 30;
    const files: TreeFile[] = [];
    for (let i = 0; i < count; i++) {
        const folder = Math.floor(i / perFolder);
        const size = 4 * KIB + (pseudo(i) % (60 * KIB + 1));
        files.push({ path: `d${String(folder).padStart(3, '0')}/f${String(i).padStart(5, '0')}.bin`, size });
    }
    return { root: 'small', files, bytes: files.reduce((n, f) => n + f.size, 0) };
}

/** `count` files spread evenly between minMiB and maxMiB. */
export function largeTree(count: number, minMiB: number, maxMiB: number): Tree {
    const files: TreeFile[] = [];
    for (let i = 0; i < count; i++) {
        const mib = count === 1 ? minMiB : minMiB + ((maxMiB - minMiB) * i) / (count - 1);
        files.push({ path: `L${String(i).padStart(2, '0')}.bin`, size: Math.round(mib * MIB) });
    }
    return { root: 'large', files, bytes: files.reduce((n, f) => n + f.size, 0) };
}

/** The file's bytes; `version` > 0 gives an edited file (the ten-edits scenario). */
export function contentOf(tree: Tree, file: TreeFile, version = 0): Buffer {
    const key = createHash('sha256').update(`${tree.root}/${file.path}#${version}`).digest();
    const cipher = createCipheriv('aes-256-ctr', key, Buffer.alloc(16));
    return Buffer.concat([cipher.update(Buffer.alloc(file.size)), cipher.final()]);
}

export function sha256(bytes: Buffer): string {
    return createHash('sha256').update(bytes).digest('hex');
}

export function sha256File(file: string): Promise<string> {
    return new Promise((resolve, reject) => {
        const hash = createHash('sha256');
        createReadStream(file)
            .on('data', (chunk) => hash.update(chunk))
            .on('error', reject)
            .on('end', () => resolve(hash.digest('hex')));
    });
}

/** Writes the tree below `dir` (the upload scenarios' source). */
export function writeTree(tree: Tree, dir: string): void {
    for (const file of tree.files) {
        const target = path.join(dir, ...file.path.split('/'));
        mkdirSync(path.dirname(target), { recursive: true });
        writeFileSync(target, contentOf(tree, file));
    }
}

/** Every regular file below `dir`, as '/'-separated relative paths. */
export function listFiles(dir: string): string[] {
    const out: string[] = [];
    const walk = (rel: string) => {
        for (const entry of readdirSync(path.join(dir, rel), { withFileTypes: true })) {
            const child = rel ? `${rel}/${entry.name}` : entry.name;
            if (entry.isDirectory()) walk(child);
            else if (entry.isFile()) out.push(child);
        }
    };
    if (statSync(dir, { throwIfNoEntry: false })?.isDirectory()) walk('');
    return out;
}

/**
 * Checks that `dir` holds exactly the tree's files with the expected bytes (the expected hashes given per
 * path, so edited files are checked against their new content). Returns the problems found.
 */
export async function verifyFolder(dir: string, expected: Map<string, string>): Promise<string[]> {
    const problems: string[] = [];
    const present = new Set(listFiles(dir));
    for (const [rel, hash] of expected) {
        if (!present.has(rel)) problems.push(`missing ${rel}`);
        else if ((await sha256File(path.join(dir, ...rel.split('/')))) !== hash) problems.push(`wrong bytes ${rel}`);
    }
    for (const rel of present) if (!expected.has(rel)) problems.push(`unexpected ${rel}`);
    return problems;
}

/** A small stable hash of an index, for sizes. */
function pseudo(i: number): number {
    return createHash('sha256').update(String(i)).digest().readUInt32BE(0);
}
