import { existsSync, mkdirSync, readFileSync, rmdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/**
 * The memory a Flex Consumption instance gives the app (infra/modules/functionApp.bicep,
 * `instanceMemoryMB`; learn.microsoft.com/azure/azure-functions/flex-consumption-plan, "Instance
 * memory"). Node sizes its default heap from the memory it may use, a container's limit included
 * (`process.constrainedMemory()`): on this 24 GiB machine V8 allows a 4 GiB heap and lets it grow to
 * four times what is live before a full collection, on a 2,048 MB instance to about 1.6 times. So
 * the bench runs each engine process under a memory limit of the instance's size (a cgroup, when the
 * machine lets it create one), and says which it measured. The limit is far above what the engine
 * uses: it changes Node's sizing, it never forces the process out of memory.
 */
export const INSTANCE_MEMORY_MIB = 2048;

export interface MemoryLimit {
    /** The limit applied to every engine process, or undefined when none could be. */
    limitMiB?: number;
    /** Why no limit was applied (no cgroup memory controller, not root, or 0 asked). */
    unlimited?: string;
    /** Runs a command with this limit: prepended to the command's arguments. */
    wrap(command: string, args: string[]): [string, string[]];
    dispose(): void;
}

/** A memory cgroup of `limitMiB` for child processes (cgroup v2, or v1's memory hierarchy). */
export function instanceMemoryLimit(limitMiB: number): MemoryLimit {
    const none = (unlimited: string): MemoryLimit => ({
        unlimited,
        wrap: (command, args) => [command, args],
        dispose: () => undefined,
    });
    if (limitMiB <= 0) return none('BENCH_ENGINE_MEMORY_MIB=0');
    const group = childGroup();
    if (!group) return none('no writable memory cgroup on this machine');
    const dir = path.join(group.parent, `bench-engine-${process.pid}`);
    try {
        mkdirSync(dir, { recursive: true });
        writeFileSync(path.join(dir, group.limitFile), String(limitMiB * 1024 * 1024));
    } catch (e) {
        return none(`cannot create a memory cgroup: ${(e as Error).message}`);
    }
    const procs = path.join(dir, 'cgroup.procs');
    return {
        limitMiB,
        // The shell joins the group before it becomes the engine process, so Node starts inside it.
        wrap: (command, args) => ['/bin/sh', ['-c', 'echo $$ > "$0" && exec "$@"', procs, command, ...args]],
        dispose: () => {
            try {
                rmdirSync(dir);
            } catch {
                // A child still winding down keeps the group: the machine's cgroup tree removes it later.
            }
        },
    };
}

/** Where this process may create a memory cgroup, and the file that sets its limit. */
function childGroup(): { parent: string; limitFile: string } | undefined {
    let lines: string[];
    try {
        lines = readFileSync('/proc/self/cgroup', 'utf8').trim().split('\n');
    } catch {
        return undefined;
    }
    // cgroup v2: one unified hierarchy ("0::/path"), with the memory controller enabled.
    const unified = lines.find((l) => l.startsWith('0::'));
    if (unified && readable('/sys/fs/cgroup/cgroup.controllers')?.includes('memory'))
        return { parent: path.join('/sys/fs/cgroup', unified.slice(3)), limitFile: 'memory.max' };
    // cgroup v1: the memory hierarchy ("<n>:memory:/path").
    const memory = lines.map((l) => l.split(':')).find((f) => f[1]?.split(',').includes('memory'));
    if (memory && existsSync('/sys/fs/cgroup/memory'))
        return { parent: path.join('/sys/fs/cgroup/memory', memory[2] ?? '/'), limitFile: 'memory.limit_in_bytes' };
    return undefined;
}

function readable(file: string): string | undefined {
    try {
        return readFileSync(file, 'utf8');
    } catch {
        return undefined;
    }
}
