import { checkName, checkPath, findCaseCollisions, MAX_FILE_BYTES } from '../../../lib/sync/names';

const file = { isFolder: false, atRoot: false };
const folder = { isFolder: true, atRoot: false };
const rootFolder = { isFolder: true, atRoot: true };

describe('checkName', () => {
    it.each([
        ['report.docx', file],
        ['Résumé 2024 (final).pdf', file],
        ['.gitignore', file],
        ['forms', folder], // reserved only at a library's root
        ['forms', { ...rootFolder, library: false }],
        ['notes~.txt', file],
        ['~draft.txt', file], // a leading ~ is only reserved for folders
        ['CON.txt', file], // reserved names are whole names
        ['a#b%c.txt', file],
    ])('accepts %j', (name, ctx) => {
        expect(checkName(name, ctx)).toEqual({ ok: true });
    });

    it.each([
        ['a"b.txt', file, 'invalid_character', `Rename the file without '"' on the platform.`],
        ['a*b.txt', file, 'invalid_character', undefined],
        ['a:b.txt', file, 'invalid_character', "Rename the file without ':' on the platform."],
        ['a<b', folder, 'invalid_character', "Rename the folder without '<' on the platform."],
        ['a>b.txt', file, 'invalid_character', undefined],
        ['a?b.txt', file, 'invalid_character', undefined],
        ['a\\b.txt', file, 'invalid_character', undefined],
        ['a|b.txt', file, 'invalid_character', undefined],
        ['a/b.txt', file, 'invalid_character', undefined],
        [' lead.txt', file, 'leading_space', undefined],
        ['trail.txt ', file, 'trailing_space', undefined],
        ['trail.', file, 'trailing_dot', undefined],
        ['.lock', file, 'reserved_name', undefined],
        ['CON', file, 'reserved_name', undefined],
        ['prn', folder, 'reserved_name', undefined],
        ['Aux', file, 'reserved_name', undefined],
        ['NUL', file, 'reserved_name', undefined],
        ['COM0', file, 'reserved_name', undefined],
        ['com9', file, 'reserved_name', undefined],
        ['LPT0', file, 'reserved_name', undefined],
        ['lpt9', file, 'reserved_name', undefined],
        ['Desktop.ini', file, 'reserved_name', undefined],
        ['my_vti_file.txt', file, 'vti_name', undefined],
        ['_VTI_cnf', folder, 'vti_name', undefined],
        ['~$report.docx', file, 'office_lock_prefix', undefined],
        ['~tmp', folder, 'leading_tilde_folder', undefined],
        ['Forms', rootFolder, 'root_forms_folder', undefined],
        ['line\nbreak.txt', file, 'control_character', undefined],
        ['tab\t.txt', file, 'control_character', undefined],
        ['ent&#1234;.txt', file, 'html_entity', undefined],
        ['bad\ud800.txt', file, 'invalid_unicode', undefined],
        ['', file, 'empty_name', undefined],
    ])('rejects %j', (name, ctx, rule, hint) => {
        const result = checkName(name, ctx);
        expect(result).toMatchObject({ ok: false, rule });
        if (!result.ok) {
            expect(result.message.length).toBeGreaterThan(10);
            expect(result.hint).toMatch(/platform|Office/);
            if (hint) expect(result.hint).toBe(hint);
        }
    });
});

describe('checkPath', () => {
    it('checks every segment, folders as folders', () => {
        expect(checkPath('ok/fine.txt', { isFolder: false })).toEqual({ ok: true });
        expect(checkPath('bad:dir/fine.txt', { isFolder: false })).toMatchObject({
            ok: false,
            rule: 'invalid_character',
        });
        expect(checkPath('forms/fine.txt', { isFolder: false })).toMatchObject({
            ok: false,
            rule: 'root_forms_folder',
        });
        expect(checkPath('sub/forms/fine.txt', { isFolder: false })).toEqual({ ok: true });
        expect(checkPath('~tmp/fine.txt', { isFolder: false })).toMatchObject({
            ok: false,
            rule: 'leading_tilde_folder',
        });
        expect(checkPath('forms/fine.txt', { isFolder: false, lastSegmentOnly: true })).toEqual({ ok: true });
    });

    it('keeps the decoded path, library root included, under 400 characters', () => {
        const name = (n: number) => 'x'.repeat(n);
        expect(checkPath(name(399), { isFolder: false })).toEqual({ ok: true });
        expect(checkPath(name(400), { isFolder: false })).toMatchObject({ ok: false, rule: 'path_too_long' });
        expect(checkPath(`${name(200)}/${name(198)}`, { isFolder: false })).toEqual({ ok: true });
        expect(checkPath(name(380), { isFolder: false, rootPathLength: 19 })).toMatchObject({
            ok: false,
            rule: 'path_too_long',
        });
        expect(checkPath(name(379), { isFolder: false, rootPathLength: 19 })).toEqual({ ok: true });
        // Counted in characters, not UTF-16 units: 399 emoji are 399 characters.
        expect(checkPath('😀'.repeat(399), { isFolder: false })).toEqual({ ok: true });
    });

    it('accepts files up to 250 GB', () => {
        expect(checkPath('big.bin', { isFolder: false, size: MAX_FILE_BYTES })).toEqual({ ok: true });
        expect(checkPath('big.bin', { isFolder: false, size: MAX_FILE_BYTES + 1 })).toMatchObject({
            ok: false,
            rule: 'file_too_large',
        });
    });
});

describe('findCaseCollisions', () => {
    it('flags every later sibling that differs only by case', () => {
        const collisions = findCaseCollisions(['Report.docx', 'notes.txt', 'report.DOCX', 'REPORT.docx', 'other']);
        expect([...collisions.keys()]).toEqual([2, 3]);
        expect(collisions.get(2)).toMatchObject({ ok: false, rule: 'case_collision' });
        expect(collisions.get(2)?.hint).toContain('Report.docx');
    });

    it('finds nothing among distinct names', () => {
        expect(findCaseCollisions(['a', 'b', 'a.txt']).size).toBe(0);
    });
});
