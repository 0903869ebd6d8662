/**
 * JSON representations of EDM primitives as Graph serialises them (OData JSON format 4.0 without
 * IEEE754Compatible, so Int64 and Decimal are JSON numbers). Each check returns a problem or undefined.
 */
type PrimitiveCheck = (value: unknown) => string | undefined;

const DATE = String.raw`\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])`;
const TIME = String.raw`([01]\d|2[0-3]):[0-5]\d(:[0-5]\d(\.\d{1,12})?)?`;
const DATE_TIME_OFFSET = new RegExp(`^${DATE}T${TIME}(Z|[+-]([01]\\d|2[0-3]):[0-5]\\d)$`);
const DATE_ONLY = new RegExp(`^${DATE}$`);
const TIME_OF_DAY = new RegExp(`^${TIME}$`);
const DURATION = /^-?P(?!$)(\d+D)?(T(?=\d)(\d+H)?(\d+M)?(\d+(\.\d+)?S)?)?$/;
const GUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;
// OData specifies base64url; Graph emits standard base64 too, so both alphabets pass.
const BASE64 = /^(?:[A-Za-z0-9+/_-]{4})*(?:[A-Za-z0-9+/_-]{2}(==)?|[A-Za-z0-9+/_-]{3}=?)?$/;

const string =
    (pattern: RegExp, what: string): PrimitiveCheck =>
    (value) => {
        if (typeof value !== 'string') return `expected ${what} string, got ${describe(value)}`;
        return pattern.test(value) ? undefined : `"${value}" is not a valid ${what}`;
    };

const integer =
    (min: number, max: number, what: string): PrimitiveCheck =>
    (value) => {
        if (typeof value !== 'number' || !Number.isInteger(value)) return `expected ${what}, got ${describe(value)}`;
        return value >= min && value <= max ? undefined : `${value} is out of range for ${what}`;
    };

/** Doubles may be the strings NaN, INF and -INF, which JSON numbers cannot express. */
const floating: PrimitiveCheck = (value) =>
    typeof value === 'number' || value === 'NaN' || value === 'INF' || value === '-INF'
        ? undefined
        : `expected number, got ${describe(value)}`;

/** The calendar check catches 2024-02-30, which the regular expression lets through. */
const dateTimeOffset: PrimitiveCheck = (value) => {
    const problem = string(DATE_TIME_OFFSET, 'ISO 8601 date-time with offset')(value);
    if (problem) return problem;
    return sameDay(value as string) ? undefined : `"${String(value)}" is not a calendar date`;
};

function sameDay(text: string): boolean {
    const [y, m, d] = text.slice(0, 10).split('-').map(Number);
    const date = new Date(Date.UTC(y, m - 1, d));
    return date.getUTCFullYear() === y && date.getUTCMonth() === m - 1 && date.getUTCDate() === d;
}

const CHECKS: Record<string, PrimitiveCheck> = {
    'Edm.String': (value) => (typeof value === 'string' ? undefined : `expected string, got ${describe(value)}`),
    'Edm.Boolean': (value) => (typeof value === 'boolean' ? undefined : `expected boolean, got ${describe(value)}`),
    'Edm.Byte': integer(0, 255, 'Edm.Byte'),
    'Edm.SByte': integer(-128, 127, 'Edm.SByte'),
    'Edm.Int16': integer(-32768, 32767, 'Edm.Int16'),
    'Edm.Int32': integer(-2147483648, 2147483647, 'Edm.Int32'),
    'Edm.Int64': integer(-(2 ** 63), 2 ** 63, 'Edm.Int64'),
    'Edm.Double': floating,
    'Edm.Single': floating,
    'Edm.Decimal': (value) => (typeof value === 'number' ? undefined : `expected number, got ${describe(value)}`),
    'Edm.DateTimeOffset': dateTimeOffset,
    'Edm.Date': string(DATE_ONLY, 'date (YYYY-MM-DD)'),
    'Edm.TimeOfDay': string(TIME_OF_DAY, 'time of day'),
    'Edm.Duration': string(DURATION, 'ISO 8601 duration'),
    'Edm.Guid': string(GUID, 'GUID'),
    'Edm.Binary': string(BASE64, 'base64'),
    // Untyped is whatever JSON the service chooses.
    'Edm.Untyped': () => undefined,
    // Streams are never inline in JSON; the service links them (@odata.mediaReadLink) or serves bytes.
    'Edm.Stream': () => 'stream properties are not serialised inline',
};

/** Checks a non-null JSON value against an EDM primitive type name. */
export function checkPrimitive(edmType: string, value: unknown): string | undefined {
    const check = CHECKS[edmType];
    return check ? check(value) : `unsupported primitive type ${edmType}`;
}

export function describe(value: unknown): string {
    if (value === null) return 'null';
    if (value === undefined) return 'nothing';
    if (Array.isArray(value)) return 'array';
    return typeof value === 'object' ? 'object' : `${typeof value} ${JSON.stringify(value)}`;
}
