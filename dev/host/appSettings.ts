/** App settings as the host sees them: environment variables plus local.settings.json Values. */
export type AppSettings = Readonly<Record<string, string | undefined>>;

/**
 * Resolves `%Setting%` binding expressions (e.g. `queueName: '%SYNC_QUEUE_NAME%'`) the way the host
 * does when it indexes functions: a missing setting stops start-up with its name.
 */
export function resolveBindingExpression(value: string, settings: AppSettings, where: string): string {
    return value.replace(/%([^%]+)%/g, (_, name: string) => {
        const v = settings[name];
        if (v === undefined || v === '')
            throw new Error(`${where}: app setting '${name}' (referenced as %${name}%) is not set.`);
        return v;
    });
}
