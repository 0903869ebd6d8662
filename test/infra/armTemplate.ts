import { existsSync, readFileSync } from 'node:fs';
import { isAbsolute, resolve as resolvePath } from 'node:path';

/**
 * Reads the ARM template that `.ci/bicep.sh` compiles from infra/main.bicep, and walks it the way
 * ARM would: into every module (nested Microsoft.Resources/deployments), remembering which values
 * the parent passed to each module so that `parameters('x')` / `variables('x')` can be followed back
 * to a literal where the Bicep holds one. No Azure and no Bicep CLI needed here.
 */

export const repoRoot = resolvePath(__dirname, '../..');
export const SKIP_MESSAGE = 'infrastructure checks skipped: run .ci/bicep.sh';

export interface ArmTemplate {
    languageVersion?: string;
    parameters?: Record<string, { type: string; defaultValue?: unknown }>;
    variables?: Record<string, unknown>;
    /** An array, or an object keyed by symbolic name when languageVersion is 2.0. */
    resources: ArmResource[] | Record<string, ArmResource>;
    outputs?: Record<string, { type: string; value: unknown }>;
}

export interface ArmResource {
    type: string;
    apiVersion?: string;
    name: string;
    scope?: string;
    condition?: unknown;
    existing?: boolean;
    kind?: string;
    tags?: unknown;
    sku?: Record<string, unknown>;
    identity?: Record<string, unknown>;
    copy?: { name: string; count: unknown };
    properties?: Record<string, unknown> & { template?: ArmTemplate; parameters?: Record<string, { value: unknown }> };
}

/** A template and the module path that leads to it, with the parameter values its parent passed. */
export interface Scope {
    path: string[];
    template: ArmTemplate;
    passed: Record<string, { value: unknown }>;
    parent?: Scope;
}

export interface Located {
    scope: Scope;
    resource: ArmResource;
}

export function armJsonPath(): string {
    const p = process.env.BICEP_ARM_JSON || '.bicep/main.json';
    return isAbsolute(p) ? p : resolvePath(repoRoot, p);
}

export function loadArm(): ArmTemplate | undefined {
    const p = armJsonPath();
    return existsSync(p) ? (JSON.parse(readFileSync(p, 'utf8')) as ArmTemplate) : undefined;
}

/** CI must never pass by skipping: there the template has to exist. */
export function isCi(): boolean {
    const ci = process.env.CI;
    return ci !== undefined && ci !== '' && ci.toLowerCase() !== 'false' && ci !== '0';
}

export function resourcesOf(t: ArmTemplate): ArmResource[] {
    return Array.isArray(t.resources) ? t.resources : Object.values(t.resources);
}

/** Every template in the deployment: main first, then each module (depth first). */
export function scopes(root: ArmTemplate): Scope[] {
    const out: Scope[] = [];
    const visit = (s: Scope): void => {
        out.push(s);
        for (const r of resourcesOf(s.template)) {
            const nested = r.type === 'Microsoft.Resources/deployments' ? r.properties?.template : undefined;
            if (nested)
                visit({
                    path: [...s.path, r.name],
                    template: nested,
                    passed: r.properties?.parameters ?? {},
                    parent: s,
                });
        }
    };
    visit({ path: [], template: root, passed: {} });
    return out;
}

/** Every non-deployment resource of the whole deployment, with the template that declares it. */
export function allResources(root: ArmTemplate): Located[] {
    return scopes(root).flatMap((scope) =>
        resourcesOf(scope.template)
            .filter((r) => r.type !== 'Microsoft.Resources/deployments' && !r.existing)
            .map((resource) => ({ scope, resource })),
    );
}

export function ofType(root: ArmTemplate, type: string): Located[] {
    return allResources(root).filter((l) => l.resource.type.toLowerCase() === type.toLowerCase());
}

export function moduleDeployment(root: ArmTemplate, name: string): ArmResource {
    const m = resourcesOf(root).find((r) => r.type === 'Microsoft.Resources/deployments' && r.name === name);
    if (!m) throw new Error(`module deployment '${name}' not found in main`);
    return m;
}

const PARAM = /^\[parameters\('([^']+)'\)\]$/;
const VAR = /^\[variables\('([^']+)'\)((?:\.[A-Za-z_$][\w$]*)*)\]$/;

/**
 * Follows `[parameters('x')]` to the value the parent module passed (or the default) and
 * `[variables('x').a.b]` to the variable, repeatedly, until a literal or another expression remains.
 */
export function resolve(value: unknown, scope: Scope): { value: unknown; scope: Scope } {
    if (typeof value !== 'string') return { value, scope };
    const p = PARAM.exec(value);
    if (p) {
        const passed = scope.passed[p[1]];
        if (passed && scope.parent) return resolve(passed.value, scope.parent);
        const declared = scope.template.parameters?.[p[1]];
        if (declared && 'defaultValue' in declared) return resolve(declared.defaultValue, scope);
        return { value, scope };
    }
    const v = VAR.exec(value);
    if (v && scope.template.variables && v[1] in scope.template.variables) {
        let x: unknown = resolve(scope.template.variables[v[1]], scope).value;
        for (const key of v[2].split('.').filter(Boolean)) {
            x = (x as Record<string, unknown> | undefined)?.[key];
        }
        return x === undefined ? { value, scope } : resolve(x, scope);
    }
    return { value, scope };
}

export function literal(value: unknown, scope: Scope): unknown {
    return resolve(value, scope).value;
}

/** `[f(args)]` → `f(args)`: the expression inside ARM's brackets, to compose expected expressions. */
export function inner(expr: unknown): string {
    if (typeof expr !== 'string' || !expr.startsWith('[') || !expr.endsWith(']'))
        throw new Error(`not an ARM expression: ${String(expr)}`);
    return expr.slice(1, -1);
}

/**
 * `describe` over the compiled template. Without it: on a developer's machine the suite is reported
 * as skipped (with the reason as its title); in CI it fails, so a broken .ci/bicep.sh cannot pass as
 * "nothing to check". Suite bodies only call `arm()` inside tests, which jest never runs when skipped.
 */
export function describeArm(title: string, body: (arm: () => ArmTemplate) => void): void {
    const template = loadArm();
    if (template) {
        describe(title, () => body(() => template));
        return;
    }
    if (isCi()) {
        describe(title, () => {
            it(`finds the compiled template at ${armJsonPath()}`, () => {
                throw new Error(`${armJsonPath()} is missing: CI must run .ci/bicep.sh before the tests`);
            });
        });
        return;
    }
    console.warn(`${SKIP_MESSAGE} (${title}; no ${armJsonPath()})`);
    describe.skip(`${title} (${SKIP_MESSAGE})`, () =>
        body(() => {
            throw new Error(SKIP_MESSAGE);
        }));
}
