import { INVALID_CHARACTERS, RESERVED_NAMES } from './limits';
import { NameCheck, OK, problem } from './nameCheck';

export interface NameContext {
    isFolder: boolean;
    /** The item sits directly in the library's root folder (where `forms` is reserved). */
    atRoot: boolean;
    /** SharePoint document libraries reserve a root `forms` folder; default true (ODB drives are libraries too). */
    library?: boolean;
}

type Rule = (name: string, ctx: NameContext, what: string) => NameCheck;

/**
 * Checks one name segment against the SharePoint / OneDrive rules before any Graph call
 * (graph-sync.md §1.5; abraunegg `src/util.d:903-1130`). The first failing rule wins, in the order a
 * user can fix them.
 */
export function checkName(name: string, ctx: NameContext): NameCheck {
    const what = ctx.isFolder ? 'folder' : 'file';
    for (const rule of RULES) {
        const result = rule(name, ctx, what);
        if (!result.ok) return result;
    }
    return OK;
}

const emptyName: Rule = (name, _ctx, what) =>
    name.length > 0
        ? OK
        : problem('empty_name', `The ${what} has an empty name.`, `Give the ${what} a name on the platform.`);

const invalidCharacter: Rule = (name, _ctx, what) => {
    const found = INVALID_CHARACTERS.find((c) => name.includes(c));
    return found === undefined
        ? OK
        : problem(
              'invalid_character',
              `"${name}" contains '${found}', which SharePoint and OneDrive do not allow.`,
              `Rename the ${what} without '${found}' on the platform.`,
          );
};

const controlCharacter: Rule = (name, _ctx, what) =>
    // A newline (%0A) breaks path addressing; other control characters are rejected too (abraunegg).
    hasControlCharacter(name)
        ? problem(
              'control_character',
              `The ${what} name contains a control character (such as a newline or tab).`,
              `Rename the ${what} without control characters on the platform.`,
          )
        : OK;

const invalidUnicode: Rule = (name, _ctx, what) =>
    // A lone UTF-16 surrogate cannot be encoded as UTF-8, so Graph can never store it.
    /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/.test(name)
        ? problem('invalid_unicode', `The ${what} name is not valid Unicode.`, `Rename the ${what} on the platform.`)
        : OK;

const htmlEntity: Rule = (name, _ctx, what) =>
    /&#\d+;/.test(name)
        ? problem(
              'html_entity',
              `"${name}" contains an HTML entity sequence (&#NNNN;), which SharePoint rejects.`,
              `Rename the ${what} without '&#' sequences on the platform.`,
          )
        : OK;

const leadingSpace: Rule = (name, _ctx, what) =>
    /^\s/.test(name)
        ? problem(
              'leading_space',
              `"${name}" starts with a space.`,
              `Remove the leading space from the ${what} name on the platform.`,
          )
        : OK;

const trailingSpace: Rule = (name, _ctx, what) =>
    /\s$/.test(name)
        ? problem(
              'trailing_space',
              `"${name}" ends with a space.`,
              `Remove the trailing space from the ${what} name on the platform.`,
          )
        : OK;

const trailingDot: Rule = (name, _ctx, what) =>
    name.endsWith('.')
        ? problem(
              'trailing_dot',
              `"${name}" ends with a period.`,
              `Remove the trailing period from the ${what} name on the platform.`,
          )
        : OK;

const reservedName: Rule = (name, _ctx, what) =>
    RESERVED_NAMES.has(name.toLowerCase())
        ? problem(
              'reserved_name',
              `"${name}" is a name SharePoint reserves.`,
              `Rename the ${what} to something other than "${name}" on the platform.`,
          )
        : OK;

const vtiName: Rule = (name, _ctx, what) =>
    name.toLowerCase().includes('_vti_')
        ? problem(
              'vti_name',
              `"${name}" contains "_vti_", which SharePoint reserves.`,
              `Rename the ${what} without "_vti_" on the platform.`,
          )
        : OK;

const officeLockPrefix: Rule = (name, _ctx, what) =>
    // `~$` files are Office owner/lock files: SharePoint refuses them and nobody wants them synced.
    name.startsWith('~$')
        ? problem(
              'office_lock_prefix',
              `"${name}" starts with "~$" (an Office lock file name).`,
              `Rename the ${what} so it does not start with "~$", or let Office remove it.`,
          )
        : OK;

const leadingTildeFolder: Rule = (name, ctx) =>
    ctx.isFolder && name.startsWith('~')
        ? problem(
              'leading_tilde_folder',
              `The folder "${name}" starts with "~".`,
              'Rename the folder so it does not start with "~" on the platform.',
          )
        : OK;

const rootFormsFolder: Rule = (name, ctx) =>
    ctx.isFolder && ctx.atRoot && ctx.library !== false && name.toLowerCase() === 'forms'
        ? problem(
              'root_forms_folder',
              'A document library cannot have a folder named "forms" at its root.',
              'Rename the root "forms" folder on the platform, or move it into a subfolder.',
          )
        : OK;

const RULES: readonly Rule[] = [
    emptyName,
    invalidCharacter,
    controlCharacter,
    invalidUnicode,
    htmlEntity,
    leadingSpace,
    trailingSpace,
    trailingDot,
    reservedName,
    vtiName,
    officeLockPrefix,
    leadingTildeFolder,
    rootFormsFolder,
];

function hasControlCharacter(name: string): boolean {
    for (const ch of name) {
        const code = ch.codePointAt(0) as number;
        if (code < 0x20 || code === 0x7f) return true;
    }
    return false;
}
