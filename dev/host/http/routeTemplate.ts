import { createConstraint, RouteConstraint } from './routeConstraints';

/**
 * ASP.NET Core route templates as the Functions host interprets `route`: literal segments matched
 * case-insensitively, `{name}`, optional `{name?}`, defaults `{name=value}`, catch-all `{*name}`,
 * inline constraints `{id:int}`, and complex segments such as `{name}.{ext}`.
 */
export interface RouteTemplate {
    readonly text: string;
    /** Orders templates that match the same path: literal beats constrained beats free beats catch-all. */
    readonly precedence: readonly number[];
    /** Parameter values for a request path (already split into URL-decoded segments), or undefined. */
    match(pathSegments: readonly string[]): Record<string, string> | undefined;
}

interface Parameter {
    name: string;
    optional: boolean;
    catchAll: boolean;
    defaultValue?: string;
    constraints: RouteConstraint[];
}

type Part = { literal: string } | { parameter: Parameter };

interface Segment {
    kind: 'literal' | 'complex' | 'parameter' | 'catchAll';
    regex: RegExp;
    parameters: Parameter[];
}

const PRECEDENCE: Record<Segment['kind'], number> = { literal: 1, complex: 2, parameter: 4, catchAll: 5 };

export function parseRouteTemplate(text: string): RouteTemplate {
    const segments = text === '' ? [] : text.split('/').map((s) => parseSegment(s, text));
    segments.forEach((s, i) => {
        if (s.kind === 'catchAll' && i !== segments.length - 1)
            throw new Error(`Route '${text}': a catch-all parameter must be the last segment.`);
    });
    const precedence = segments.map((s) =>
        s.kind === 'parameter' && s.parameters[0]!.constraints.length > 0 ? 3 : PRECEDENCE[s.kind],
    );
    return { text, precedence, match: (path) => matchSegments(segments, path) };
}

/** Splits a URL path into decoded segments; a trailing slash is ignored, as ASP.NET routing does. */
export function splitPath(pathname: string): string[] {
    const trimmed = pathname.replace(/^\/+/, '').replace(/\/$/, '');
    return trimmed === '' ? [] : trimmed.split('/').map(safeDecode);
}

function safeDecode(s: string): string {
    try {
        return decodeURIComponent(s);
    } catch {
        return s;
    }
}

function matchSegments(segments: readonly Segment[], path: readonly string[]): Record<string, string> | undefined {
    const values: Record<string, string> = {};
    for (let i = 0; i < segments.length; i++) {
        const segment = segments[i]!;
        if (segment.kind === 'catchAll') {
            const value = path.slice(i).join('/');
            setValue(values, segment.parameters[0]!, value);
            return satisfies(segments, values) ? values : undefined;
        }
        const value = path[i];
        if (value === undefined) {
            // The path ran out: the rest of the template must be optional.
            return segments.slice(i).every((s) => fillOptional(s, values)) && satisfies(segments, values)
                ? values
                : undefined;
        }
        const m = segment.regex.exec(value);
        if (!m) return undefined;
        segment.parameters.forEach((p, j) => setValue(values, p, m[j + 1] ?? ''));
    }
    return path.length === segments.length && satisfies(segments, values) ? values : undefined;
}

function setValue(values: Record<string, string>, p: Parameter, value: string): void {
    if (value !== '') values[p.name] = value;
    else if (p.defaultValue !== undefined) values[p.name] = p.defaultValue;
}

function fillOptional(segment: Segment, values: Record<string, string>): boolean {
    if (segment.kind !== 'parameter' && segment.kind !== 'catchAll') return false;
    const p = segment.parameters[0]!;
    if (p.defaultValue !== undefined) values[p.name] = p.defaultValue;
    return p.optional || p.catchAll || p.defaultValue !== undefined;
}

function satisfies(segments: readonly Segment[], values: Record<string, string>): boolean {
    return segments.every((s) =>
        s.parameters.every((p) => values[p.name] === undefined || p.constraints.every((c) => c(values[p.name]!))),
    );
}

function parseSegment(text: string, template: string): Segment {
    const parts = parseParts(text, template);
    const parameters = parts.flatMap((p) => ('parameter' in p ? [p.parameter] : []));
    if (parts.length === 1 && parameters.length === 1) {
        const p = parameters[0]!;
        return { kind: p.catchAll ? 'catchAll' : 'parameter', regex: /^(.+)$/, parameters };
    }
    if (parameters.some((p) => p.catchAll))
        throw new Error(`Route '${template}': a catch-all parameter must be a whole segment.`);
    if (parameters.length === 0)
        return { kind: 'literal', regex: new RegExp(`^${escapeRegex(text)}$`, 'i'), parameters };
    // Greedy captures: with `{name}.{ext}` and "a.b.c", ASP.NET matches literals right to left (ext = "c").
    const source = parts
        .map((p) => ('literal' in p ? escapeRegex(p.literal) : p.parameter.optional ? '(.*)' : '(.+)'))
        .join('');
    return { kind: 'complex', regex: new RegExp(`^${source}$`, 'i'), parameters };
}

function parseParts(text: string, template: string): Part[] {
    const parts: Part[] = [];
    let literal = '';
    for (let i = 0; i < text.length; i++) {
        const c = text[i]!;
        if ((c === '{' || c === '}') && text[i + 1] === c) {
            literal += c;
            i++;
        } else if (c === '{') {
            const end = findClosingBrace(text, i + 1, template);
            if (literal) parts.push({ literal });
            literal = '';
            parts.push({
                parameter: parseParameter(
                    text
                        .slice(i + 1, end)
                        .replace(/\{\{/g, '{')
                        .replace(/\}\}/g, '}'),
                    template,
                ),
            });
            i = end;
        } else if (c === '}') {
            throw new Error(`Route '${template}': unmatched '}'.`);
        } else {
            literal += c;
        }
    }
    if (literal) parts.push({ literal });
    if (parts.length === 0) throw new Error(`Route '${template}': empty segment.`);
    return parts;
}

function findClosingBrace(text: string, from: number, template: string): number {
    for (let i = from; i < text.length; i++) {
        if (text[i] === '}' && text[i + 1] === '}') i++;
        else if (text[i] === '}') return i;
    }
    throw new Error(`Route '${template}': unmatched '{'.`);
}

function parseParameter(body: string, template: string): Parameter {
    const m = /^(\*{1,2})?([^:?=*]+)(.*)$/s.exec(body);
    if (!m) throw new Error(`Route '${template}': invalid parameter '{${body}}'.`);
    let rest = m[3]!;
    let defaultValue: string | undefined;
    let optional = false;
    const eq = indexAtDepthZero(rest, '=');
    if (eq >= 0) {
        defaultValue = rest.slice(eq + 1);
        rest = rest.slice(0, eq);
    }
    if (rest.endsWith('?') && indexAtDepthZero(rest, '?') === rest.length - 1) {
        optional = true;
        rest = rest.slice(0, -1);
    }
    const constraints = splitConstraints(rest, template).map((c) => createConstraint(c, template));
    return { name: m[2]!, catchAll: m[1] !== undefined, optional, defaultValue, constraints };
}

function splitConstraints(rest: string, template: string): string[] {
    if (rest === '') return [];
    if (!rest.startsWith(':')) throw new Error(`Route '${template}': unexpected '${rest}' in a parameter.`);
    const out: string[] = [];
    let depth = 0;
    let current = '';
    for (const c of rest.slice(1)) {
        if (c === '(') depth++;
        if (c === ')') depth--;
        if (c === ':' && depth === 0) {
            out.push(current);
            current = '';
        } else {
            current += c;
        }
    }
    out.push(current);
    return out;
}

function indexAtDepthZero(text: string, char: string): number {
    let depth = 0;
    for (let i = 0; i < text.length; i++) {
        if (text[i] === '(') depth++;
        else if (text[i] === ')') depth--;
        else if (text[i] === char && depth === 0) return i;
    }
    return -1;
}

function escapeRegex(s: string): string {
    return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
