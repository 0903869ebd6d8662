import type { RouteHandler } from '../contract';
import type { SimulatedClock } from '../clock';
import type { ResourceBudget } from '../graph/budget/budget';
import type { TenantStore } from '../entra';
import { HttpError } from '../http';
import type { RequestLog } from '../requestLog';
import { asBody, optionalBoolean, optionalNumber, optionalTime } from './body';
import { dispatch, type Route } from './router';
import { tenantRoutes } from './tenantsApi';

export interface ControlDeps {
    clock: SimulatedClock;
    tenants: TenantStore;
    requests: RequestLog;
    budget: ResourceBudget;
    /** Forgets all simulated state (tenants, grants, the request log; the Graph half resets its own). */
    reset(): void;
}

/** /__control/**: the clock, the request log, the resource-unit budget, reset, and tenant administration. */
export function createControlApi(deps: ControlDeps): RouteHandler {
    const routes: Route[] = [
        ...clockRoutes(deps.clock),
        ...logRoutes(deps.requests),
        ...budgetRoutes(deps.budget),
        resetRoute(deps),
        ...tenantRoutes(deps.tenants),
    ];
    return (req, res, url) => dispatch(routes, req, res, url);
}

function clockView(clock: SimulatedClock): { now: number; iso: string } {
    return { now: clock.now(), iso: new Date(clock.now()).toISOString() };
}

function clockRoutes(clock: SimulatedClock): Route[] {
    return [
        { method: 'GET', pattern: /^\/__control\/clock$/, handle: () => ({ status: 200, body: clockView(clock) }) },
        {
            // { "now": <ms or ISO> } sets the time; { "advanceMs": n } moves it forward.
            method: 'POST',
            pattern: /^\/__control\/clock$/,
            handle: ({ body }) => {
                const b = asBody(body);
                const now = optionalTime(b, 'now');
                const advanceMs = optionalNumber(b, 'advanceMs');
                if (now === undefined && advanceMs === undefined)
                    throw new HttpError(400, 'BadRequest', "Send 'now' or 'advanceMs'.");
                if (now !== undefined) clock.set(now);
                if (advanceMs !== undefined) advance(clock, advanceMs);
                return { status: 200, body: clockView(clock) };
            },
        },
        {
            method: 'POST',
            pattern: /^\/__control\/clock\/advance$/,
            handle: ({ body }) => {
                advance(clock, optionalNumber(asBody(body), 'ms') ?? 0);
                return { status: 200, body: clockView(clock) };
            },
        },
    ];
}

function advance(clock: SimulatedClock, ms: number): void {
    if (ms < 0)
        throw new HttpError(
            400,
            'BadRequest',
            'Time only moves forward: advance by a non-negative number of milliseconds.',
        );
    clock.advance(ms);
}

/**
 * GET: the limits and what each app spent in each tenant; POST { enabled?, perMinute?, perDay?,
 * headersFrom? } changes the limits; DELETE /__control/budget/usage forgets what was spent.
 */
function budgetRoutes(budget: ResourceBudget): Route[] {
    const view = () => ({ status: 200, body: { ...budget.options, usage: budget.usage() } });
    return [
        { method: 'GET', pattern: /^\/__control\/budget$/, handle: view },
        {
            method: 'POST',
            pattern: /^\/__control\/budget$/,
            handle: ({ body }) => {
                const b = asBody(body);
                try {
                    budget.configure({
                        enabled: optionalBoolean(b, 'enabled'),
                        perMinute: optionalNumber(b, 'perMinute'),
                        perDay: optionalNumber(b, 'perDay'),
                        headersFrom: optionalNumber(b, 'headersFrom'),
                    });
                } catch (e) {
                    throw new HttpError(400, 'BadRequest', (e as Error).message);
                }
                return view();
            },
        },
        {
            method: 'DELETE',
            pattern: /^\/__control\/budget\/usage$/,
            handle: () => {
                budget.resetUsage();
                return { status: 204 };
            },
        },
    ];
}

function logRoutes(requests: RequestLog): Route[] {
    return [
        {
            method: 'GET',
            pattern: /^\/__control\/requests$/,
            handle: () => ({
                status: 200,
                body: { value: requests.entries.map((r) => ({ ...r, at: new Date(r.at).toISOString() })) },
            }),
        },
        {
            method: 'DELETE',
            pattern: /^\/__control\/requests$/,
            handle: () => {
                requests.clear();
                return { status: 204 };
            },
        },
    ];
}

function resetRoute(deps: ControlDeps): Route {
    return {
        method: 'POST',
        pattern: /^\/__control\/reset$/,
        handle: () => {
            deps.reset();
            return { status: 204 };
        },
    };
}
