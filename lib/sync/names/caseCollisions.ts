import { NameProblem, problem } from './nameCheck';

/** SharePoint compares names case-insensitively (graph-sync.md §1.5: "Hello.doc" and "hello.doc" cannot coexist). */
export function foldName(name: string): string {
    return name.toLowerCase();
}

/**
 * Finds siblings whose names differ only by case. The first name (in the order given) keeps its place;
 * every later one gets a `case_collision` problem, keyed by its index.
 */
export function findCaseCollisions(siblingNames: readonly string[]): Map<number, NameProblem> {
    const firstByFolded = new Map<string, string>();
    const collisions = new Map<number, NameProblem>();
    siblingNames.forEach((name, index) => {
        const folded = foldName(name);
        const first = firstByFolded.get(folded);
        if (first === undefined) firstByFolded.set(folded, name);
        else collisions.set(index, caseCollision(name, first));
    });
    return collisions;
}

export function caseCollision(name: string, existing: string): NameProblem {
    return problem(
        'case_collision',
        `"${name}" differs from "${existing}" in the same folder only by letter case; SharePoint treats them as the same name.`,
        `Rename one of "${name}" and "${existing}" on the platform so they differ by more than case.`,
    );
}
