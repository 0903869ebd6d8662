/**
 * Runs in a fresh process: loads one module and prints how long `require` took, in milliseconds.
 * The @azure/functions "test mode" warnings are silenced so they do not count as work.
 */
const target = process.argv[2];
if (!target) throw new Error('usage: loadOnce <module>');
console.warn = () => undefined;
const started = process.hrtime.bigint();
require(target);
const elapsedMs = Number(process.hrtime.bigint() - started) / 1e6;
process.stdout.write(`\n${JSON.stringify({ elapsedMs })}\n`);
