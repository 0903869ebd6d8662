/**
 * ASP.NET Core inline route constraints, which the Functions host applies to `route` templates
 * (e.g. `{id:int}`, `{id:guid}`, `{name:alpha:minlength(2)}`). An unknown constraint stops start-up,
 * as the host refuses to load the function.
 */
export type RouteConstraint = (value: string) => boolean;

const numberPattern = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
const int32 = (v: string) => /^[+-]?\d+$/.test(v) && Number(v) >= -2147483648 && Number(v) <= 2147483647;
const int64 = (v: string) => /^[+-]?\d+$/.test(v) && BigInt(v) >= -(2n ** 63n) && BigInt(v) < 2n ** 63n;

const simple: Record<string, RouteConstraint> = {
    int: int32,
    long: int64,
    bool: (v) => /^(true|false)$/i.test(v),
    guid: isGuid,
    alpha: (v) => /^[a-z]*$/i.test(v),
    double: (v) => numberPattern.test(v),
    float: (v) => numberPattern.test(v),
    decimal: (v) => /^[+-]?(\d+\.?\d*|\.\d+)$/.test(v),
    datetime: (v) => !Number.isNaN(Date.parse(v)),
    required: (v) => v.length > 0,
};

/** .NET Guid.TryParse formats: 32 digits, with or without hyphens, optionally in {} or (). */
function isGuid(v: string): boolean {
    const bare = /^\{.*\}$|^\(.*\)$/.test(v) ? v.slice(1, -1) : v;
    return /^[0-9a-f]{8}(-?)[0-9a-f]{4}\1[0-9a-f]{4}\1[0-9a-f]{4}\1[0-9a-f]{12}$/i.test(bare);
}

export function createConstraint(text: string, template: string): RouteConstraint {
    const m = /^([a-z]+)(?:\((.*)\))?$/is.exec(text);
    if (!m) throw unresolved(text, template);
    const [, name, rawArgs] = m;
    const key = name!.toLowerCase();
    if (rawArgs === undefined) {
        const c = simple[key];
        if (c) return c;
        throw unresolved(text, template);
    }
    if (key === 'regex') {
        const re = new RegExp(rawArgs, 'i');
        return (v) => re.test(v);
    }
    const args = rawArgs.split(',').map((a) => Number(a.trim()));
    if (args.some((a) => !Number.isFinite(a))) throw unresolved(text, template);
    const [a, b] = args as [number, number | undefined];
    switch (key) {
        case 'minlength':
            return (v) => v.length >= a;
        case 'maxlength':
            return (v) => v.length <= a;
        case 'length':
            return b === undefined ? (v) => v.length === a : (v) => v.length >= a && v.length <= b;
        case 'min':
            return (v) => int64(v) && Number(v) >= a;
        case 'max':
            return (v) => int64(v) && Number(v) <= a;
        case 'range':
            return (v) => b !== undefined && int64(v) && Number(v) >= a && Number(v) <= b;
        default:
            throw unresolved(text, template);
    }
}

function unresolved(text: string, template: string): Error {
    return new Error(`Route '${template}': the constraint reference '${text}' could not be resolved.`);
}
