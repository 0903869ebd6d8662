/**
 * Parsers for app settings. Each returns the typed value or throws a {@link SettingError} that says
 * what the setting expects. Hand-written on purpose: configuration is read on the cold-start path,
 * where a schema library would cost more than the Functions runtime itself (see bench/coldstart).
 */

export class SettingError extends Error {
    constructor(
        readonly setting: string,
        readonly expected: string,
        readonly received: string | undefined,
    ) {
        super(
            received === undefined
                ? `Missing app setting ${setting}: expected ${expected}.`
                : `Invalid app setting ${setting}=${JSON.stringify(redactIfLong(received))}: expected ${expected}.`,
        );
        this.name = 'SettingError';
    }
}

/** Never echo what might be a secret or a connection string in full. */
function redactIfLong(value: string): string {
    return value.length > 80 || /AccountKey=|sig=/i.test(value) ? `${value.slice(0, 24)}…` : value;
}

export type Parser<T> = (raw: string, name: string) => T;

export const text: Parser<string> = (raw) => raw;

export function oneOf<T extends string>(...values: readonly T[]): Parser<T> {
    return (raw, name) => {
        if ((values as readonly string[]).includes(raw)) return raw as T;
        throw new SettingError(name, `one of ${values.join(', ')}`, raw);
    };
}

export function integer(min: number, max: number): Parser<number> {
    return (raw, name) => {
        const n = Number(raw);
        if (!/^-?\d+$/.test(raw.trim()) || n < min || n > max) {
            throw new SettingError(name, `an integer from ${min} to ${max}`, raw);
        }
        return n;
    };
}

export const boolean: Parser<boolean> = (raw, name) => {
    const v = raw.trim().toLowerCase();
    if (v === 'true' || v === '1') return true;
    if (v === 'false' || v === '0') return false;
    throw new SettingError(name, 'true or false', raw);
};

export function url(protocols: readonly ('https:' | 'http:')[]): Parser<string> {
    return (raw, name) => {
        let parsed: URL;
        try {
            parsed = new URL(raw.trim());
        } catch {
            throw new SettingError(name, `an absolute ${protocols.join(' or ')} URL`, raw);
        }
        if (!protocols.includes(parsed.protocol as 'https:' | 'http:')) {
            throw new SettingError(name, `an absolute ${protocols.join(' or ')} URL`, raw);
        }
        return parsed.href.replace(/\/$/, '');
    };
}

export const storageName: Parser<string> = (raw, name) => {
    // Queue names: 3-63 chars, lowercase letters, digits and single hyphens (stricter than tables'
    // rules, so one pattern serves both).
    if (/^[a-z0-9](?!.*--)[a-z0-9-]{1,61}[a-z0-9]$/.test(raw)) return raw;
    throw new SettingError(name, '3-63 lowercase letters, digits or single hyphens', raw);
};

export const tablePrefix: Parser<string> = (raw, name) => {
    if (/^[A-Za-z][A-Za-z0-9]{0,39}$/.test(raw)) return raw;
    throw new SettingError(name, 'a letter followed by up to 39 letters or digits (Table names are alphanumeric)', raw);
};

export function list<T>(item: Parser<T>): Parser<T[]> {
    return (raw, name) =>
        raw
            .split(',')
            .map((s) => s.trim())
            .filter((s) => s.length > 0)
            .map((s) => item(s, name));
}

export const hostName: Parser<string> = (raw, name) => {
    if (/^[a-z0-9.-]+(:\d{1,5})?$/i.test(raw)) return raw.toLowerCase();
    throw new SettingError(name, 'a host name, optionally with :port', raw);
};
