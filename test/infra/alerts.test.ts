import { readFileSync } from 'node:fs';
import { resolve as resolvePath } from 'node:path';
import {
    SIGNAL_NAMES,
    SIGNAL_PREFIX,
    signalLine,
    type SignalFields,
    type SignalName,
} from '../../lib/monitoring/signals';
import { describeArm, literal, moduleDeployment, ofType, repoRoot, scopes, type Located } from './armTemplate';

/** One payload per signal, as the service writes it: the fields a rule may read. */
const SAMPLES: { [N in SignalName]: SignalFields[N] } = {
    poison_queue: { queue: 'transfer-poison', messages: 2 },
    drive_status: { integrationId: 'default', driveId: 'drv_1', status: 'needs_reauth', cause: 'password_changed' },
    credential_expiry: {
        integrationId: 'default',
        credentialId: 'cred_1',
        kind: 'client_secret',
        state: 'active',
        expiresOn: '2030-01-01T00:00:00.000Z',
        daysLeft: 12,
    },
    run_finished: { driveId: 'drv_1', runId: 'run_1', status: 'failed', trigger: 'schedule', durationMs: 1200 },
    throttled: { tenantId: 't', status: 429, retryAfterSeconds: 30, source: 'graph' },
};

interface Criterion {
    query: string;
    timeAggregation: string;
    operator: string;
    threshold: unknown;
    dimensions?: { name: string }[];
    failingPeriods?: { numberOfEvaluationPeriods: number; minFailingPeriodsToAlert: number };
}

function criterion(rule: Located): Criterion {
    const allOf = (rule.resource.properties!.criteria as { allOf: Criterion[] }).allOf;
    expect(allOf).toHaveLength(1);
    return allOf[0]!;
}

/** The signal a rule's query reads (`tostring(s.signal) == "<name>"`). */
function signalOf(query: string): string | undefined {
    return /tostring\(s\.signal\) == "([a-z_]+)"/.exec(query)?.[1];
}

describeArm('infrastructure: alert rules and the workbook', (arm) => {
    const rules = () => ofType(arm(), 'Microsoft.Insights/scheduledQueryRules');
    const ruleFor = (signal: SignalName) => {
        const found = rules().filter((r) => signalOf(criterion(r).query) === signal);
        expect(found).toHaveLength(1);
        return found[0]!;
    };

    it('declares the action group parameter and hands it to every rule (none when empty)', () => {
        const main = scopes(arm())[0]!.template;
        expect(main.parameters?.alertActionGroupId).toEqual(
            expect.objectContaining({ type: 'string', defaultValue: '' }),
        );
        const passed = moduleDeployment(arm(), 'alerts').properties!.parameters!;
        expect(passed.actionGroupId!.value).toBe("[parameters('alertActionGroupId')]");
        for (const rule of rules()) {
            expect(rule.resource.properties!.actions).toBe("[variables('actions')]");
            expect(literal(rule.resource.properties!.actions, rule.scope)).toBe(
                "[if(empty(parameters('actionGroupId')), createObject(), createObject('actionGroups', createArray(parameters('actionGroupId'))))]",
            );
        }
        const env = JSON.parse(readFileSync(resolvePath(repoRoot, 'infra/main.parameters.json'), 'utf8')).parameters;
        expect(env.alertActionGroupId).toEqual({ value: '${ALERT_ACTION_GROUP_ID=}' });
    });

    it('has one log alert per signal, over Application Insights, on API 2023-12-01, resolving by itself', () => {
        expect(rules()).toHaveLength(SIGNAL_NAMES.length);
        expect(
            rules()
                .map((r) => signalOf(criterion(r).query))
                .sort(),
        ).toEqual([...SIGNAL_NAMES].sort());
        for (const rule of rules()) {
            const r = rule.resource;
            expect(r.apiVersion).toBe('2023-12-01');
            expect(r.kind).toBe('LogAlert');
            expect(r.properties).toMatchObject({ enabled: true, autoMitigate: true });
            expect(r.properties!.scopes).toEqual([
                "[resourceId('Microsoft.Insights/components', parameters('appInsightsName'))]",
            ]);
            // The component the monitoring module creates.
            const [component] = ofType(arm(), 'Microsoft.Insights/components');
            expect(literal("[parameters('appInsightsName')]", rule.scope)).toBe(
                literal(component!.resource.name, component!.scope),
            );
        }
    });

    it('reads the signal lines as the service writes them (prefix, JSON, and only fields the signal has)', () => {
        for (const name of SIGNAL_NAMES) {
            const { query } = criterion(ruleFor(name));
            const line = signalLine(name, SAMPLES[name] as never);
            expect(query).toContain(`where message startswith "${SIGNAL_PREFIX} "`);
            // substring(message, n) must skip exactly the prefix and its space.
            const skip = Number(/substring\(message, (\d+)\)/.exec(query)?.[1]);
            const payload = JSON.parse(line.slice(skip)) as Record<string, unknown>;
            expect(payload.signal).toBe(name);
            const fields = [...query.matchAll(/\bs\.([A-Za-z]+)/g)].map((m) => m[1]!);
            expect({ name, missing: fields.filter((f) => !(f in payload)) }).toEqual({ name, missing: [] });
        }
    });

    it('poison messages: any message in any <queue>-poison, per queue', () => {
        const c = criterion(ruleFor('poison_queue'));
        expect(c.query).toMatch(/where messages > 0/);
        expect(c).toMatchObject({ timeAggregation: 'Count', operator: 'GreaterThan', threshold: 0 });
        expect(c.dimensions?.map((d) => d.name)).toEqual(['queue']);
    });

    it('drives: the latest status of a drive is needs_reauth or access_lost, per drive', () => {
        const rule = ruleFor('drive_status');
        const c = criterion(rule);
        expect(c.query).toContain('arg_max(timestamp, s) by driveId');
        expect(c.query).toContain('status in ("needs_reauth", "access_lost")');
        expect(c.dimensions?.map((d) => d.name)).toEqual(['driveId']);
        // Signals come every 15 minutes: the window holds several, so one missed timer does not resolve it.
        expect(rule.resource.properties).toMatchObject({ evaluationFrequency: 'PT15M', windowSize: 'PT1H' });
    });

    it('credentials: expiry within 14 days, per credential', () => {
        const c = criterion(ruleFor('credential_expiry'));
        expect(c.query).toMatch(/where daysLeft <= 14\b/);
        expect(c.dimensions?.map((d) => d.name)).toEqual(['credentialId']);
    });

    it('failed runs: at least the threshold (a parameter, default 5) within an hour', () => {
        const rule = ruleFor('run_finished');
        const c = criterion(rule);
        expect(c.query).toContain('tostring(s.status) == "failed"');
        expect(c.operator).toBe('GreaterThanOrEqual');
        expect(c.threshold).toBe("[parameters('failedRunsThreshold')]");
        expect(moduleDeployment(arm(), 'alerts').properties!.parameters!.failedRunsThreshold!.value).toBe(
            "[parameters('failedRunsAlertThreshold')]",
        );
        expect(literal(c.threshold, rule.scope)).toBe(5);
        expect(scopes(arm())[0]!.template.parameters?.failedRunsAlertThreshold).toMatchObject({
            type: 'int',
            defaultValue: 5,
        });
        expect(rule.resource.properties).toMatchObject({ windowSize: 'PT1H' });
    });

    it('throttling: sustained means throttled in at least 4 of the last 6 five-minute windows', () => {
        const rule = ruleFor('throttled');
        expect(rule.resource.properties).toMatchObject({ evaluationFrequency: 'PT5M', windowSize: 'PT5M' });
        expect(criterion(rule)).toMatchObject({
            operator: 'GreaterThan',
            threshold: 0,
            failingPeriods: { numberOfEvaluationPeriods: 6, minFailingPeriodsToAlert: 4 },
        });
    });

    it("a shared workbook on the component with the service's figures", () => {
        const books = ofType(arm(), 'Microsoft.Insights/workbooks');
        expect(books).toHaveLength(1);
        const [{ resource, scope }] = books as [Located];
        expect(resource.apiVersion).toBe('2023-06-01');
        expect(resource.kind).toBe('shared');
        expect(resource.properties).toMatchObject({
            category: 'workbook',
            sourceId: "[resourceId('Microsoft.Insights/components', parameters('appInsightsName'))]",
            serializedData: "[string(variables('workbookContent'))]",
        });
        expect(resource.name).toMatch(/^\[guid\(/);
        const queries = scope.template.variables!.workbookQueries as { title: string; query: string }[];
        const text = queries.map((q) => `${q.title} :: ${q.query}`).join('\n');
        for (const figure of [
            /runs by outcome/i,
            /drives by status/i,
            /poison/i,
            /days left/i,
            /throttling/i,
            /customMetrics/,
        ])
            expect(text).toMatch(figure);
        // Every signal the rules read is also charted.
        for (const name of SIGNAL_NAMES) expect(text).toContain(`"${name}"`);
    });
});
