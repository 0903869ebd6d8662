/** Client: alerts raised by the service (expiring credentials, drives needing attention). */
export const ALERTS_SCRIPT = String.raw`
function loadAlerts() {
    return api('GET', route('alerts', {})).then(function (res) {
        if (res.missing) { markUnavailable('alerts', 'alerts-unavailable', 'alerts-panel', 'Alerts'); return; }
        if (!res.ok) { replace($('alert-list'), el('p', { class: 'notice' }, errorText(res))); return; }
        var alerts = list(res.body);
        replace($('alert-list'), alerts.length ? el('ul', { class: 'checklist' }, alerts.map(alertItem)) : el('p', { class: 'help' }, 'No alerts.'));
    });
}

function alertItem(a) {
    var id = a.alertId || a.id;
    var severity = a.severity || a.level || 'warning';
    var status = severity === 'critical' || severity === 'error' ? 'fail' : severity === 'info' ? 'pending' : 'warn';
    var note = el('span', { role: 'status', 'aria-live': 'polite' });
    return el('li', { 'data-status': status, 'data-alert-id': id },
        el('span', { class: 'mark', 'aria-hidden': 'true' }, '!'),
        el('span', {}, el('strong', {}, a.title || a.kind || a.code || 'Alert'), ' ', badge(status, severity), a.state && a.state !== 'open' ? ' ' + a.state : '', ' ', when(a.raisedAt || a.createdAt), a.subject && a.subject.name ? ' · ' + a.subject.name : ''),
        el('p', { class: 'evidence' }, a.message || ''),
        a.hint ? el('p', { class: 'hint' }, 'What to do: ' + a.hint) : null,
        a.acknowledged || a.acknowledgedAt || (a.state && a.state !== 'open') ? null : el('p', { class: 'evidence' }, el('button', { type: 'button', class: 'secondary', onclick: function () {
            api('POST', route('acknowledgeAlert', { alertId: id })).then(function (res) {
                note.textContent = res.missing ? 'Acknowledging is not available on this service yet.' : res.ok ? 'Acknowledged.' : errorText(res);
                if (res.ok) loadAlerts();
            });
        } }, 'Acknowledge'), ' ', note));
}

function initAlerts() {
    $('refresh-alerts').addEventListener('click', loadAlerts);
    return loadAlerts();
}
`;
