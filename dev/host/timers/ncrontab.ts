import { CronExpressionParser } from 'cron-parser';

/**
 * A timer trigger's NCRONTAB schedule: exactly six fields,
 * `{second} {minute} {hour} {day} {month} {day-of-week}`, evaluated in UTC (Linux Consumption and
 * Flex Consumption ignore WEBSITE_TIME_ZONE). cron-parser accepts the same field syntax (ranges,
 * steps, lists, month and day names). Restricting both day and day-of-week is ambiguous across cron
 * dialects; the service's schedules never do it.
 */
export interface Schedule {
    readonly expression: string;
    /** The first occurrence strictly after `after`. */
    next(after: Date): Date;
    /** The last occurrence strictly before `before`. */
    prev(before: Date): Date;
}

export function parseSchedule(expression: string, functionName: string): Schedule {
    const fields = expression.trim().split(/\s+/);
    if (fields.length !== 6) {
        throw new Error(
            `Timer '${functionName}': schedule '${expression}' is not a 6-field NCRONTAB expression '{second} {minute} {hour} {day} {month} {day-of-week}', e.g. '0 */5 * * * *'.`,
        );
    }
    const at = (date: Date) => CronExpressionParser.parse(expression, { currentDate: date, tz: 'UTC' });
    try {
        at(new Date()).next();
    } catch (e) {
        throw new Error(
            `Timer '${functionName}': schedule '${expression}' is invalid: ${e instanceof Error ? e.message : String(e)}`,
        );
    }
    return {
        expression,
        next: (after) => at(after).next().toDate(),
        prev: (before) => at(before).prev().toDate(),
    };
}
