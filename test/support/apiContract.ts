import { takeViolations } from '../../dev/contract/contractRecorder';

/**
 * Runs after every test file (jest setupFilesAfterEnv): the exchanges the local host served while it
 * ran were held against the OpenAPI document (dev/contract); any violation fails the file, naming the
 * request, the operation and what did not match.
 */
afterAll(() => {
    const violations = takeViolations();
    if (violations.length === 0) return;
    const unique = [...new Set(violations.map((v) => `${v.request} → ${v.status} (${v.operation}): ${v.problem}`))];
    throw new Error(
        `The service answered ${violations.length} request(s) outside its OpenAPI document:\n  ${unique.slice(0, 30).join('\n  ')}`,
    );
});
