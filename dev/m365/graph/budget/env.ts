import type { BudgetOptions } from './budget';

/** SIM_BUDGET=on|off, SIM_RU_PER_MINUTE, SIM_RU_PER_DAY (`npm run sim`, benchmarks). */
export function budgetFromEnv(env: NodeJS.ProcessEnv): Partial<BudgetOptions> {
    const budget: Partial<BudgetOptions> = {};
    if (env.SIM_BUDGET === 'off') budget.enabled = false;
    else if (env.SIM_BUDGET !== undefined && env.SIM_BUDGET !== 'on')
        throw new Error(`SIM_BUDGET must be on or off, got ${env.SIM_BUDGET}`);
    for (const [name, key] of [
        ['SIM_RU_PER_MINUTE', 'perMinute'],
        ['SIM_RU_PER_DAY', 'perDay'],
    ] as const) {
        const raw = env[name];
        if (raw === undefined) continue;
        const value = Number(raw);
        if (!Number.isInteger(value) || value <= 0) throw new Error(`${name} must be a positive integer, got ${raw}`);
        budget[key] = value;
    }
    return budget;
}
