import path from 'node:path';
import { build, type Plugin } from 'esbuild';

/**
 * Part of `npm run build`: replaces dist/functions/index.js (what the Functions host loads at cold
 * start) with one file holding its whole static import graph — the registry, every function's options
 * and thin handler — so start-up reads and compiles one module instead of dozens. Everything a handler
 * imports lazily (`import('../lib/…')`: the SDKs and the service's logic) stays a separate module in
 * dist/, loaded on first use, exactly as before. npm packages stay external.
 *
 * Azure's remote build runs `npm install` + `npm run build` on the deployment package, which has no
 * dev/, test/ or bench/ (.funcignore): so this lives in tools/ and imports nothing from dev/.
 */
// Compiled to dist/tools/bundleEntry.js: the project root is two levels up.
const root = path.resolve(__dirname, '..', '..');

const keepDynamicImportsLazy: Plugin = {
    name: 'keep-dynamic-imports-lazy',
    setup(build) {
        build.onResolve({ filter: /.*/ }, (args) =>
            args.kind === 'dynamic-import' ? { path: args.path, external: true } : undefined,
        );
    },
};

async function main(): Promise<void> {
    // From the TypeScript sources: there `import()` is still a dynamic import the plugin can keep
    // external (tsc's CommonJS output has already turned it into a plain require()).
    const result = await build({
        entryPoints: [path.join(root, 'functions', 'index.ts')],
        outfile: path.join(root, 'dist', 'functions', 'index.js'),
        allowOverwrite: true,
        bundle: true,
        platform: 'node',
        target: 'node20',
        format: 'cjs',
        packages: 'external',
        plugins: [keepDynamicImportsLazy],
        // Lazy imports become a require() inside a promise, as tsc emits them: CommonJS all the way.
        supported: { 'dynamic-import': false },
        sourcemap: false,
        logLevel: 'warning',
        metafile: true,
    });
    const inputs = Object.keys(result.metafile.inputs).length;
    console.log(
        `bundleEntry: dist/functions/index.js holds the ${inputs} modules of the start-up graph; lazy imports stay separate.`,
    );
}

main().catch((e: unknown) => {
    console.error(e);
    process.exit(1);
});
