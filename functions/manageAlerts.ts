import type { HttpRequest, HttpResponseInit } from '@azure/functions';
import { actorOf, handle } from '../lib/http/handle';
import { http } from './definition';

/** GET /api/manage/alerts?state=open|acknowledged|resolved|all: alerts, newest first. */
export const manageAlertsHandler = handle(async (request: HttpRequest): Promise<HttpResponseInit> => {
    const [{ getServices }, { listAlerts }, { readQuery }, { alertsQuery }] = await Promise.all([
        import('../lib/runtime/services'),
        import('../lib/alerts/alertQueries'),
        import('../lib/http/query'),
        import('../lib/http/queries'),
    ]);
    const { state } = readQuery(request, alertsQuery);
    return { status: 200, jsonBody: { value: await listAlerts(await getServices(), state ?? null) } };
});

/** POST /api/manage/alerts/{alertId}/acknowledge: an admin has seen the alert (audited). */
export const manageAlertAcknowledgeHandler = handle(async (request: HttpRequest): Promise<HttpResponseInit> => {
    const [{ getServices }, { acknowledgeAlert }] = await Promise.all([
        import('../lib/runtime/services'),
        import('../lib/alerts/alertQueries'),
    ]);
    return {
        status: 200,
        jsonBody: await acknowledgeAlert(await getServices(), request.params.alertId!, actorOf(request)),
    };
});

export const manageAlerts = http('manageAlerts', {
    route: 'api/manage/alerts',
    methods: ['GET'],
    authLevel: 'function',
    handler: manageAlertsHandler,
});
export const manageAlertAcknowledge = http('manageAlertAcknowledge', {
    route: 'api/manage/alerts/{alertId}/acknowledge',
    methods: ['POST'],
    authLevel: 'function',
    handler: manageAlertAcknowledgeHandler,
});
