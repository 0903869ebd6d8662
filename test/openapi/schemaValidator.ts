import { spawnSync } from 'node:child_process';
import path from 'node:path';

/**
 * Validates an OpenAPI document with @seriousme/openapi-schema-validator. The package is ESM-only and
 * jest runs CommonJS, so it runs in a child Node process; the package is resolved the CommonJS way
 * from the repository (NODE_PATH included).
 */
export type ValidatorResult =
    { available: false; reason: string } | { available: true; valid: boolean; errors: unknown };

const PACKAGE = '@seriousme/openapi-schema-validator';

export function validatorPath(): string | undefined {
    try {
        return require.resolve(PACKAGE);
    } catch {
        return undefined;
    }
}

export function validateOpenApi(document: unknown): ValidatorResult {
    const resolved = validatorPath();
    if (!resolved) return { available: false, reason: `${PACKAGE} is not installed` };
    const script = `
import { pathToFileURL } from 'node:url';
const { Validator } = await import(pathToFileURL(process.argv[1]).href);
let input = '';
for await (const chunk of process.stdin) input += chunk;
const validator = new Validator();
const result = await validator.validate(JSON.parse(input));
process.stdout.write(JSON.stringify({ valid: result.valid, version: validator.version, errors: result.errors ?? null }));
`;
    const run = spawnSync(process.execPath, ['--input-type=module', '-e', script, resolved], {
        input: JSON.stringify(document),
        cwd: path.join(__dirname, '../..'),
        encoding: 'utf8',
        timeout: 30_000,
    });
    if (run.status !== 0) throw new Error(`The validator failed to run: ${run.stderr}`);
    const parsed = JSON.parse(run.stdout) as { valid: boolean; errors: unknown };
    return { available: true, valid: parsed.valid, errors: parsed.errors };
}
