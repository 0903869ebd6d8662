/**
 * Runs tasks in dependency order with bounded concurrency: each task starts once every task it
 * depends on has finished *successfully* and a slot is free; a task whose dependency did not succeed
 * is not run (`blocked` is asked for its result instead). Tasks must be listed after their
 * dependencies (the planner's order guarantees it); an unknown dependency counts as met.
 */
export interface Task<R> {
    id: string;
    dependsOn: readonly string[];
    run(): Promise<R>;
    blocked(failedDependency: string): R;
    /** Runs outside the concurrency limit: its work is bounded elsewhere (a transfer enqueue joins a batch). */
    unbounded?: boolean;
}

export async function runScheduled<R>(
    tasks: readonly Task<R>[],
    succeeded: (r: R) => boolean,
    concurrency: number,
): Promise<R[]> {
    const limit = limiter(concurrency);
    const done = new Map<string, Promise<boolean>>();
    const results = tasks.map((task) => {
        const result = Promise.all(
            task.dependsOn.map(async (d) => (((await done.get(d)) ?? true) ? undefined : d)),
        ).then((failed) => {
            const first = failed.find((d) => d !== undefined);
            if (first !== undefined) return task.blocked(first);
            return task.unbounded ? task.run() : limit(() => task.run());
        });
        done.set(
            task.id,
            result.then(succeeded, () => false),
        );
        return result;
    });
    return Promise.all(results);
}

function limiter(max: number): <T>(fn: () => Promise<T>) => Promise<T> {
    let active = 0;
    const waiting: (() => void)[] = [];
    return async <T>(fn: () => Promise<T>): Promise<T> => {
        if (active >= max) await new Promise<void>((resolve) => waiting.push(resolve));
        active++;
        try {
            return await fn();
        } finally {
            active--;
            waiting.shift()?.();
        }
    };
}
