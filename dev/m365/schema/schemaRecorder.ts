import { validateGraphResponse, type ObservedResponse } from './validateResponse';
import { formatIssues, issue, type ValidationIssue } from './validationIssue';
import type { ValidateOptions } from './validateValue';

export interface RecordedIssue {
    method: string;
    path: string;
    status: number;
    issue: ValidationIssue;
}

export interface SchemaRecorderOptions extends ValidateOptions {
    /** Known, accepted deviations; return true to drop an issue. Say why next to each rule. */
    ignore?(observed: ObservedResponse, found: ValidationIssue): boolean;
}

export interface SchemaRecorder {
    /** Pass as `GraphDeps.observeResponse`. Never throws, so a bad body cannot break the simulator. */
    observeResponse(observed: ObservedResponse): void;
    issues(): RecordedIssue[];
    /** How many bodies were checked: lets a suite prove the hook is wired. */
    observedCount(): number;
    /** Throws listing every issue, e.g. from `afterAll`. */
    assertClean(): void;
    reset(): void;
}

/** Collects schema issues from every body the simulator sends, so a suite can fail on any of them. */
export function createSchemaRecorder(options: SchemaRecorderOptions = {}): SchemaRecorder {
    let found: RecordedIssue[] = [];
    let observed = 0;
    return {
        observeResponse(response) {
            observed++;
            for (const problem of safeValidate(response, options)) {
                if (options.ignore?.(response, problem)) continue;
                found.push({ method: response.method, path: response.path, status: response.status, issue: problem });
            }
        },
        issues: () => [...found],
        observedCount: () => observed,
        assertClean() {
            if (found.length === 0) return;
            const lines = found.map((r) => `${r.method} ${r.path} -> ${r.status}\n  ${formatIssues([r.issue])}`);
            throw new Error(`Graph responses violate the v1.0 schema (${found.length} issues):\n${lines.join('\n')}`);
        },
        reset() {
            found = [];
            observed = 0;
        },
    };
}

function safeValidate(response: ObservedResponse, options: ValidateOptions): ValidationIssue[] {
    try {
        return validateGraphResponse(response, options);
    } catch (error) {
        return [issue('$', 'shape', `validator crashed: ${error instanceof Error ? error.message : String(error)}`)];
    }
}
