/**
 * The outcome of a pre-flight name check. A failure carries a stable `rule` (what the planner puts on
 * its `skip` action), a `message` saying what is wrong and a `hint` saying what the user should do.
 */
export type NameCheck = NameOk | NameProblem;

export interface NameOk {
    ok: true;
}

export interface NameProblem {
    ok: false;
    rule: NameRule;
    message: string;
    hint: string;
}

export type NameRule =
    | 'empty_name'
    | 'invalid_character'
    | 'control_character'
    | 'invalid_unicode'
    | 'html_entity'
    | 'leading_space'
    | 'trailing_space'
    | 'trailing_dot'
    | 'reserved_name'
    | 'vti_name'
    | 'office_lock_prefix'
    | 'leading_tilde_folder'
    | 'root_forms_folder'
    | 'path_too_long'
    | 'file_too_large'
    | 'case_collision';

export const OK: NameOk = { ok: true };

export function problem(rule: NameRule, message: string, hint: string): NameProblem {
    return { ok: false, rule, message, hint };
}
