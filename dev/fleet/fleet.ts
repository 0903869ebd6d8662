import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { projectRoot } from '../tools/paths';
import { READY_LINE, type FleetHostOptions } from './hostOptions';

/**
 * A fleet of local hosts: N processes (hostProcess.ts) on the same Azurite, Key Vault double and
 * Microsoft 365 simulator, competing for the same queues as the instances of a scaled-out Functions
 * app do, each with its own memory, and the timers' storage lock deciding which one runs each
 * schedule. An instance can be killed with SIGKILL at any moment (as Azure recycles one: no
 * shutdown, no finally) and a new one started in its place.
 *
 * Every line a host prints is kept with the host's name, pid and arrival time, and so is every
 * start and kill: what a test needs to check who held what, when.
 */
export interface FleetOptions {
    /** App settings of every instance (added to this process's environment). */
    env: Record<string, string>;
    host: FleetHostOptions;
    /** Also print every host line (DEBUG_FLEET=1 in tests). */
    echo?: boolean;
}

export interface FleetHost {
    name: string;
    pid: number;
    url: string;
    startedAt: number;
    child: ChildProcess;
    exited: Promise<void>;
}

export interface FleetEvent {
    at: number;
    kind: 'started' | 'killed' | 'stopped' | 'exited';
    host: string;
    pid: number;
}

export interface FleetLine {
    at: number;
    host: string;
    pid: number;
    text: string;
}

const READY_TIMEOUT_MS = 30_000;

export class Fleet {
    readonly events: FleetEvent[] = [];
    readonly lines: FleetLine[] = [];
    private readonly hosts = new Map<string, FleetHost>();
    private readonly peakRss = new Map<string, number>();
    private counter = 0;

    constructor(private readonly options: FleetOptions) {}

    get alive(): FleetHost[] {
        return [...this.hosts.values()];
    }

    /** Starts `n` instances at once and waits until each serves. */
    async start(n: number): Promise<FleetHost[]> {
        return Promise.all(Array.from({ length: n }, () => this.addHost()));
    }

    async addHost(): Promise<FleetHost> {
        const name = `h${++this.counter}`;
        const child = spawn(process.execPath, [path.join(projectRoot(), 'dist', 'dev', 'fleet', 'hostProcess.js')], {
            cwd: projectRoot(),
            stdio: ['ignore', 'pipe', 'pipe'],
            env: { ...process.env, ...this.options.env, FLEET_HOST_OPTIONS: JSON.stringify(this.options.host) },
        });
        const pid = child.pid!;
        const exited = new Promise<void>((resolve) =>
            child.once('exit', () => {
                this.record('exited', name, pid);
                this.hosts.delete(name);
                resolve();
            }),
        );
        const url = await new Promise<string>((resolve, reject) => {
            const timer = setTimeout(
                () => reject(new Error(`Fleet host ${name} did not start in ${READY_TIMEOUT_MS} ms`)),
                READY_TIMEOUT_MS,
            );
            const stderr: string[] = [];
            child.once('exit', (code) => {
                clearTimeout(timer);
                reject(new Error(`Fleet host ${name} exited (${code}) before serving: ${stderr.join('\n')}`));
            });
            this.follow(child, name, pid, (text) => {
                if (!text.startsWith(READY_LINE)) return;
                clearTimeout(timer);
                resolve(text.slice(READY_LINE.length + 1).trim());
            });
            createInterface({ input: child.stderr! }).on('line', (text) => {
                stderr.push(text);
                this.keep(name, pid, `stderr: ${text}`);
            });
        });
        const host: FleetHost = { name, pid, url, startedAt: Date.now(), child, exited };
        this.hosts.set(name, host);
        this.record('started', name, pid);
        return host;
    }

    /** SIGKILL: the instance stops at whatever line it was on; its leases lapse on their own. */
    async kill(host: FleetHost): Promise<void> {
        this.samplePeakRss(host);
        this.record('killed', host.name, host.pid);
        host.child.kill('SIGKILL');
        await host.exited;
    }

    /** Kills a random instance and starts a new one in its place. */
    async replaceRandom(random: () => number): Promise<{ killed: FleetHost; started: FleetHost }> {
        const alive = this.alive;
        const killed = alive[Math.floor(random() * alive.length)]!;
        await this.kill(killed);
        return { killed, started: await this.addHost() };
    }

    /** Until stopped: every `minMs`–`maxMs`, a random instance is killed and replaced. */
    chaos(random: () => number, minMs: number, maxMs: number): { stop(): Promise<number> } {
        let stopped = false;
        let replaced = 0;
        let wake: (() => void) | undefined;
        const loop = (async () => {
            while (!stopped) {
                await new Promise<void>((resolve) => {
                    const timer = setTimeout(resolve, minMs + random() * (maxMs - minMs));
                    wake = () => {
                        clearTimeout(timer);
                        resolve();
                    };
                });
                if (stopped) break;
                await this.replaceRandom(random);
                replaced++;
            }
        })();
        return {
            async stop() {
                stopped = true;
                wake?.();
                await loop;
                return replaced;
            },
        };
    }

    /** Peak resident set size (VmHWM) per instance seen so far, in MiB, sampled now for the live ones. */
    peakRssMiB(): Record<string, number> {
        for (const h of this.hosts.values()) this.samplePeakRss(h);
        return Object.fromEntries(this.peakRss);
    }

    /** SIGTERM to every instance (it finishes what it runs), SIGKILL after `graceMs`. */
    async stop(graceMs = 15_000): Promise<void> {
        await Promise.all(
            this.alive.map(async (h) => {
                this.samplePeakRss(h);
                this.record('stopped', h.name, h.pid);
                h.child.kill('SIGTERM');
                const timer = setTimeout(() => h.child.kill('SIGKILL'), graceMs);
                await h.exited;
                clearTimeout(timer);
            }),
        );
    }

    private follow(child: ChildProcess, name: string, pid: number, onLine: (text: string) => void): void {
        createInterface({ input: child.stdout! }).on('line', (text) => {
            this.keep(name, pid, text);
            onLine(text);
        });
    }

    private keep(host: string, pid: number, text: string): void {
        this.lines.push({ at: Date.now(), host, pid, text });
        if (this.options.echo) console.log(`[${host}] ${text}`);
    }

    private record(kind: FleetEvent['kind'], host: string, pid: number): void {
        this.events.push({ at: Date.now(), kind, host, pid });
    }

    private samplePeakRss(host: FleetHost): void {
        try {
            const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${host.pid}/status`, 'utf8'));
            if (m) this.peakRss.set(host.name, Math.round(Number(m[1]) / 1024));
        } catch {
            // Not Linux, or already gone: no figure.
        }
    }
}
