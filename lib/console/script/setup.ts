/** Client: the integration form (field-level errors from the API) and the live checkpoints. */
export const SETUP_SCRIPT = String.raw`
var MARKS = { pass: '✓', fail: '✗', warn: '!', pending: '…' };
var STATUS_WORDS = { pass: 'passed', fail: 'failed', warn: 'warning', pending: 'pending' };

function loadIntegration() {
    return api('GET', '/api/manage/integration').then(function (res) {
        var form = $('integration-form');
        if (res.status === 404 && res.error && res.error.code === 'integration_not_configured') {
            $('integration-result').textContent = 'Not configured yet.';
            renderCheckpoints(undefined);
            return;
        }
        if (!res.ok) { $('integration-result').textContent = errorText(res); return; }
        var v = res.body;
        form.elements.tenantId.value = v.tenantDomain || v.tenantId;
        form.elements.clientId.value = v.clientId;
        form.elements.cloud.value = v.cloud;
        form.elements.redirectUri.value = v.redirectUri || '';
        form.elements.clientSecret.placeholder = v.clientSecret && v.clientSecret.configured
            ? 'Stored: ' + v.clientSecret.hint + '…, expires ' + String(v.clientSecret.expiresOn).slice(0, 10) : '';
        return loadStatus(false);
    });
}

function saveIntegration(event) {
    event.preventDefault();
    var form = $('integration-form');
    var f = form.elements;
    var body = { tenantId: f.tenantId.value.trim(), clientId: f.clientId.value.trim(), cloud: f.cloud.value };
    // The secret is sent exactly as typed: the API reports leading/trailing spaces as a mistake.
    if (f.clientSecret.value !== '') body.clientSecret = f.clientSecret.value;
    if (f.clientSecretExpiresOn.value) body.clientSecretExpiresOn = f.clientSecretExpiresOn.value;
    if (f.redirectUri.value.trim() !== '') body.redirectUri = f.redirectUri.value;
    clearFieldErrors(form);
    $('integration-result').textContent = 'Saving…';
    $('save-integration').disabled = true;
    return api('PUT', '/api/manage/integration', body).then(function (res) {
        $('save-integration').disabled = false;
        if (!res.ok) {
            $('integration-result').textContent = 'Not saved.';
            showFieldErrors(form, res, 'e-form');
            return;
        }
        f.clientSecret.value = '';
        var changed = res.body.changed || [];
        $('integration-result').textContent = res.status === 201 ? 'Saved.' : changed.length ? 'Saved (' + changed.join(', ') + ').' : 'No changes.';
        // The Credentials section shows the saved secret too (it said "not configured" before the first save).
        return Promise.all([loadStatus(true), loadCredentials()]);
    });
}

function loadStatus(refresh) {
    $('status-summary').textContent = 'Checking with Entra, Graph and Key Vault…';
    return api('GET', '/api/manage/integration/status' + (refresh ? '?refresh=true' : '')).then(function (res) {
        if (!res.ok) {
            $('status-summary').textContent = res.error && res.error.code === 'integration_not_configured' ? 'Save the settings to run the checks.' : errorText(res);
            renderCheckpoints(undefined);
            return;
        }
        renderCheckpoints(res.body);
    });
}

function renderCheckpoints(status) {
    var listNode = $('checkpoints');
    if (!status) { replace(listNode, null); return; }
    var counts = { pass: 0, fail: 0, warn: 0, pending: 0 };
    replace(listNode, status.checkpoints.map(function (c) {
        counts[c.status] = (counts[c.status] || 0) + 1;
        return el('li', { 'data-checkpoint': c.id, 'data-status': c.status },
            el('span', { class: 'mark', 'aria-hidden': 'true' }, MARKS[c.status] || '?'),
            el('span', {}, el('strong', {}, c.title), ' ', badge(c.status, STATUS_WORDS[c.status]), c.code ? ' ' + c.code : ''),
            el('p', { class: 'evidence' }, c.evidence),
            c.hint && c.status !== 'pass' ? el('p', { class: 'hint' }, 'What to do: ' + c.hint) : null);
    }));
    $('status-summary').textContent = counts.pass + ' of ' + status.checkpoints.length + ' passed' +
        (counts.fail ? ', ' + counts.fail + ' failing' : '') + (counts.pending ? ', ' + counts.pending + ' pending' : '') +
        ' (checked ' + when(status.checkedAt) + ').';
}

function initSetup() {
    $('integration-form').addEventListener('submit', saveIntegration);
    $('recheck').addEventListener('click', function () { loadStatus(true); });
    return loadIntegration();
}
`;
