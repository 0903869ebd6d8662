/** Client: client secrets / certificates with their expiry; add, promote, retire (when the routes exist). */
export const CREDENTIALS_SCRIPT = String.raw`
function loadCredentials() {
    return api('GET', route('credentials', {})).then(function (res) {
        if (res.missing) { markUnavailable('credentials', 'credentials-unavailable', 'credentials-panel', 'Credential rotation'); return; }
        if (!res.ok) { replace($('credential-list'), el('p', { class: 'notice' }, errorText(res))); return; }
        var creds = list(res.body);
        replace($('credential-list'), creds.length ? el('div', { class: 'table-wrap' }, el('table', {},
            el('thead', {}, el('tr', {}, ['Credential', 'State', 'Expires', 'Actions'].map(function (h) { return el('th', { scope: 'col' }, h); }))),
            el('tbody', {}, creds.map(credentialRow)))) : el('p', { class: 'help' }, 'No credentials.'));
    });
}

function credentialRow(c) {
    var id = c.credentialId || c.id;
    var state = c.state || c.status || (c.active ? 'active' : 'standby');
    var days = typeof c.daysToExpiry === 'number' ? ' (' + c.daysToExpiry + ' days)' : '';
    return el('tr', { 'data-credential-id': id },
        el('td', {}, c.displayName ? el('strong', {}, c.displayName + ' ') : null, String(c.kind || 'client_secret').replace(/_/g, ' ') + ' ', c.hint ? c.hint + '…' : '', c.thumbprint || c.fingerprint ? ' ' + (c.thumbprint || c.fingerprint) : ''),
        el('td', {}, badge(state)),
        el('td', {}, when(c.expiresOn) + days),
        el('td', {}, el('div', { class: 'actions' },
            state !== 'active' && state !== 'retired' ? el('button', { type: 'button', class: 'secondary', onclick: function () { credentialAction('POST', route('promoteCredential', { credentialId: id })); } }, 'Promote') : null,
            state !== 'active' && state !== 'retired' ? el('button', { type: 'button', class: 'danger', onclick: function () { credentialAction('DELETE', route('credential', { credentialId: id })); } }, 'Retire') : null)));
}

function credentialAction(method, path) {
    $('credential-result').textContent = 'Working…';
    return api(method, path).then(function (res) {
        $('credential-result').textContent = res.missing ? 'That action is not available on this service yet.' : res.ok ? 'Done.' : errorText(res);
        return loadCredentials().then(function () { return loadStatus(true); });
    });
}

function addCredential(event) {
    event.preventDefault();
    var form = $('credential-form');
    clearFieldErrors(form);
    var body = { kind: 'client_secret', value: $('f-newSecret').value, expiresOn: $('f-newSecretExpiresOn').value || undefined };
    return api('POST', route('credentials', {}), body).then(function (res) {
        if (!res.ok) { showFieldErrors(form, res, 'e-credential-form', { value: 'newSecret', expiresOn: 'newSecretExpiresOn' }); return; }
        form.reset();
        $('credential-result').textContent = 'Added; promote it once the checkpoints confirm it works.';
        return loadCredentials();
    });
}

function initCredentials() {
    $('credential-form').addEventListener('submit', addCredential);
    return loadCredentials();
}
`;
