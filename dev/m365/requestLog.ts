/** What the simulator saw: enough for a test to assert "exactly one token request" or "no Graph call without a token". */
export interface LoggedRequest {
    method: string;
    /** The path without its query string. */
    path: string;
    status: number;
    /** Whether the request carried an Authorization header (its value is never kept). */
    authorization: boolean;
    /** Simulated time at which the request arrived. */
    at: number;
}

export class RequestLog {
    private readonly items: LoggedRequest[] = [];

    record(entry: LoggedRequest): void {
        this.items.push(entry);
    }

    get entries(): readonly LoggedRequest[] {
        return this.items;
    }

    /** Requests whose method matches and whose path matches the pattern (a RegExp, or an exact path). */
    filter(method: string, pathPattern: string | RegExp): LoggedRequest[] {
        const matches =
            typeof pathPattern === 'string' ? (p: string) => p === pathPattern : (p: string) => pathPattern.test(p);
        return this.items.filter((r) => r.method === method.toUpperCase() && matches(r.path));
    }

    count(method: string, pathPattern: string | RegExp): number {
        return this.filter(method, pathPattern).length;
    }

    clear(): void {
        this.items.length = 0;
    }
}
