import { spawn } from 'node:child_process';
import { appendFileSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

/** One run of a peer's command line: wall time, exit code, peak RSS (GNU time's %M), its output's tail. */
export interface RunResult {
    code: number;
    wallMs: number;
    peakRssMiB: number;
    output: string;
}

export async function timedRun(
    command: string,
    args: string[],
    options: { env?: NodeJS.ProcessEnv; cwd?: string; timeoutMs?: number; onOutput?: (text: string) => void } = {},
): Promise<RunResult> {
    const rssFile = path.join(tmpdir(), `bench-peers-rss-${process.pid}-${Date.now()}`);
    const started = performance.now();
    const child = spawn('/usr/bin/time', ['-f', '%M', '-o', rssFile, command, ...args], {
        env: options.env ?? process.env,
        cwd: options.cwd,
        stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    const keep = (chunk: Buffer) => {
        const text = chunk.toString('utf8');
        output = (output + text).slice(-20_000);
        options.onOutput?.(text);
        if (process.env.BENCH_PEERS_LOG) appendFileSync(process.env.BENCH_PEERS_LOG, text);
    };
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    const timer = options.timeoutMs ? setTimeout(() => child.kill('SIGTERM'), options.timeoutMs) : undefined;
    const code = await new Promise<number>((resolve) => child.on('close', (c) => resolve(c ?? -1)));
    if (timer) clearTimeout(timer);
    const wallMs = performance.now() - started;
    let peakRssMiB = NaN;
    try {
        const lines = readFileSync(rssFile, 'utf8').trim().split('\n');
        peakRssMiB = Number(lines[lines.length - 1]) / 1024;
        rmSync(rssFile, { force: true });
    } catch {
        // time(1) writes nothing when it could not start the command.
    }
    return { code, wallMs, peakRssMiB, output };
}
