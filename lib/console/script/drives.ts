/** Client: drive health, add + connect (sign-in window), reconnect, library selection, Sync now. */
export const DRIVES_SCRIPT = String.raw`
var drivesById = {};
var driveMessages = {};
var STATUS_LABELS = { pending_connection: 'waiting for sign-in', needs_library: 'choose a library', connected: 'connected', needs_reauth: 'needs sign-in again', access_lost: 'access lost' };

function loadDrives() {
    return api('GET', '/api/drives').then(function (res) {
        var container = $('drive-list');
        if (!res.ok) {
            replace(container, el('p', { class: 'notice' }, res.error && res.error.code === 'integration_not_configured' ? 'Configure the integration first (Setup).' : errorText(res)));
            return [];
        }
        var drives = list(res.body);
        drivesById = {};
        drives.forEach(function (d) { drivesById[d.id] = d; });
        replace(container, drives.length ? drives.map(driveCard) : el('p', { class: 'help' }, 'No drives yet: add one above.'));
        refreshRunDriveOptions(drives);
        return drives;
    });
}

/** The drive's sync block (GET /api/drives): last finished run, the run under way, the next scheduled one. */
function lastRunText(last) {
    if (!last) return '—';
    var parts = [when(last.at)];
    if (last.trigger) parts.push(last.trigger);
    var counts = countsText(last.outcomes);
    return parts.join(' · ') + (counts ? ' (' + counts + ')' : '');
}

function nextRunText(s) {
    if (s.currentRun) return s.currentRun.status === 'running' ? 'running now' : 'queued';
    return s.nextRunAt ? when(s.nextRunAt) : '—';
}

function driveCard(d) {
    var s = d.sync || {};
    var card = el('article', { class: 'card', 'data-drive-id': d.id, 'aria-label': 'Drive ' + d.name });
    var library = d.graph ? (d.graph.name + (d.graph.webUrl ? ' (' + d.graph.webUrl + ')' : '')) : (d.kind === 'sharepoint' ? 'not chosen yet' : '—');
    append(card, [
        el('h4', {}, d.name, ' ', badge(d.status, STATUS_LABELS[d.status])),
        el('dl', { class: 'meta' },
            el('dt', {}, 'Type'), el('dd', {}, d.kind === 'sharepoint' ? 'SharePoint library' : 'OneDrive', d.scope === 'personal' ? ' (personal)' : ''),
            el('dt', {}, 'Account'), el('dd', {}, d.account ? d.account.username : 'not signed in'),
            el('dt', {}, 'Library'), el('dd', {}, library),
            el('dt', {}, 'Last sync'), el('dd', { 'data-field': 'last-sync' }, lastRunText(s.lastRun), s.lastRun ? ' ' : null,
                s.lastRun ? el('span', { 'data-field': 'last-outcome' }, badge(s.lastRun.status)) : null),
            el('dt', {}, 'Next sync'), el('dd', { 'data-field': 'next-sync' }, nextRunText(s),
                s.intervalMinutes ? el('span', { class: 'help' }, ' (every ' + s.intervalMinutes + ' min)') : null)),
        s.lastRun && s.lastRun.error ? el('p', { class: 'notice bad', 'data-field': 'last-error' }, 'Last run failed: ' + s.lastRun.error.message, s.lastRun.error.hint ? ' ' + s.lastRun.error.hint : '') : null,
        d.statusCause ? el('p', { class: 'notice bad' }, d.statusCause.message, ' ', el('strong', {}, 'What to do: '), d.statusCause.hint) : null,
        el('div', { class: 'actions' },
            el('button', { type: 'button', class: 'secondary', onclick: function () { checkDrive(d.id); } }, 'Check health'),
            el('button', { type: 'button', class: 'secondary', onclick: function () { reconnect(d.id); } }, d.status === 'pending_connection' ? 'Sign in' : 'Reconnect'),
            d.kind === 'sharepoint' && d.account ? el('button', { type: 'button', class: 'secondary', onclick: function () { openPicker(d.id); } }, d.graph ? 'Change library' : 'Choose library') : null,
            el('button', { type: 'button', disabled: d.status !== 'connected' || unavailable.sync, onclick: function () { syncNow(d.id); } }, 'Sync now'),
            el('button', { type: 'button', class: 'danger', onclick: function () { removeDrive(d); } }, 'Remove')),
        el('p', { class: 'help', role: 'status', 'aria-live': 'polite', 'data-drive-message': d.id }, driveMessages[d.id] || ''),
        el('div', { class: 'picker', 'data-picker': d.id, hidden: true })
    ]);
    return card;
}

/** Kept across re-renders of the list, so a message outlives the refresh that follows it. */
function driveMessage(driveId, text) {
    driveMessages[driveId] = text;
    var node = document.querySelector('[data-drive-message="' + CSS.escape(driveId) + '"]');
    if (node) node.textContent = text;
}

function checkDrive(driveId) {
    driveMessage(driveId, 'Checking the account and library…');
    return api('GET', '/api/drives/' + encodeURIComponent(driveId) + '?refresh=true').then(function (res) {
        return loadDrives().then(function () { driveMessage(driveId, res.ok ? 'Checked: ' + (STATUS_LABELS[res.body.status] || res.body.status) + '.' : errorText(res)); });
    });
}

/** Opened synchronously in the click handler so the browser does not block it as a popup. */
function openSignInWindow() {
    var w = window.open('about:blank', '_blank');
    return w || undefined;
}

function startConnect(popup, link, driveId, since) {
    var note = $('drive-result');
    replace(note, ['Sign in in the window that opened; this page updates when you are done. ',
        el('a', { href: link.connectUrl, target: '_blank', rel: 'noopener', id: 'connect-link' }, 'Open the sign-in page')]);
    if (popup) {
        try { popup.opener = null; } catch (e) { /* cross-origin already */ }
        popup.location.href = link.connectUrl;
    }
    return waitForConnection(driveId, since).then(function (d) {
        if (!d) { note.textContent = 'Still waiting for the sign-in; use Refresh once it is done.'; return; }
        note.textContent = d.status === 'needs_library' ? 'Signed in as ' + d.account.username + '. Now choose the library.'
            : d.status === 'connected' ? 'Connected as ' + (d.account ? d.account.username : 'the account') + '.'
            : 'Sign-in ended: ' + (STATUS_LABELS[d.status] || d.status) + (d.statusCause ? '. ' + d.statusCause.hint : '.');
        return loadDrives().then(function () {
            loadStatus(true);
            if (d.status === 'needs_library') openPicker(d.id);
        });
    });
}

function waitForConnection(driveId, since) {
    var tries = 0;
    function poll() {
        if (++tries > 240) return Promise.resolve(undefined);
        return sleep(1500).then(function () {
            return api('GET', '/api/drives/' + encodeURIComponent(driveId)).then(function (res) {
                if (res.ok && res.body.updatedAt !== since && res.body.status !== 'pending_connection') return res.body;
                return poll();
            });
        });
    }
    return poll();
}

function addDrive(event) {
    event.preventDefault();
    var form = $('add-drive-form');
    clearFieldErrors(form);
    var popup = openSignInWindow();
    $('drive-result').textContent = 'Adding the drive…';
    return api('POST', '/api/drives', { name: $('f-driveName').value, kind: $('f-driveKind').value }).then(function (res) {
        if (!res.ok) {
            if (popup) popup.close();
            $('drive-result').textContent = 'Not added.';
            showFieldErrors(form, res, 'e-drive-form', { name: 'driveName', kind: 'driveKind' });
            return;
        }
        form.reset();
        return loadDrives().then(function () { return startConnect(popup, res.body, res.body.drive.id, res.body.drive.updatedAt); });
    });
}

function reconnect(driveId) {
    var popup = openSignInWindow();
    var since = drivesById[driveId] && drivesById[driveId].updatedAt;
    return api('POST', '/api/drives/' + encodeURIComponent(driveId) + '/reconnect').then(function (res) {
        if (!res.ok) { if (popup) popup.close(); driveMessage(driveId, errorText(res)); return; }
        return startConnect(popup, res.body, driveId, since);
    });
}

function openPicker(driveId) {
    var picker = document.querySelector('[data-picker="' + CSS.escape(driveId) + '"]');
    if (!picker) return;
    picker.hidden = false;
    var inputId = 'site-search-' + driveId;
    var results = el('div', { 'aria-live': 'polite' });
    var input = el('input', { type: 'search', id: inputId, placeholder: 'Site name, or * for all' });
    var form = el('form', { class: 'filters' },
        el('div', { class: 'field' }, el('label', { for: inputId }, 'Search SharePoint sites'), input),
        el('div', {}, el('button', { type: 'submit' }, 'Search sites')));
    form.addEventListener('submit', function (event) {
        event.preventDefault();
        results.textContent = 'Searching…';
        api('GET', '/api/manage/sites?search=' + encodeURIComponent(input.value || '*') + '&driveId=' + encodeURIComponent(driveId)).then(function (res) {
            if (!res.ok) { results.textContent = errorText(res); return; }
            var sites = list(res.body);
            replace(results, sites.length ? el('ul', { 'aria-label': 'Sites' }, sites.map(function (s) {
                return el('li', {}, el('button', { type: 'button', class: 'secondary', onclick: function () { showLibraries(driveId, s, results); } }, s.displayName || s.name || s.id), s.webUrl ? ' ' + s.webUrl : '');
            })) : 'No site matches; check the name, and that the signed-in account can read the site.');
        });
    });
    replace(picker, [el('h4', {}, 'Choose the library to sync'), form, results]);
    input.focus();
}

function showLibraries(driveId, site, results) {
    results.textContent = 'Loading the libraries of ' + (site.displayName || site.name) + '…';
    return api('GET', '/api/manage/sites/' + encodeURIComponent(site.id) + '/drives?driveId=' + encodeURIComponent(driveId)).then(function (res) {
        if (!res.ok) { results.textContent = errorText(res); return; }
        var libraries = list(res.body);
        replace(results, [el('p', {}, 'Libraries in ', el('strong', {}, site.displayName || site.name), ':'),
            el('ul', { 'aria-label': 'Libraries' }, libraries.map(function (l) {
                return el('li', {}, el('button', { type: 'button', onclick: function () { chooseLibrary(driveId, site.id, l, results); } }, 'Use ' + l.name));
            }))]);
    });
}

function chooseLibrary(driveId, siteId, library, results) {
    results.textContent = 'Saving…';
    return api('PATCH', '/api/drives/' + encodeURIComponent(driveId), { siteId: siteId, graphDriveId: library.id }).then(function (res) {
        if (!res.ok) { results.textContent = errorText(res); return; }
        return loadDrives().then(function () {
            driveMessage(driveId, 'Syncing library ' + library.name + '.');
            return loadStatus(true);
        });
    });
}

function syncNow(driveId) {
    driveMessage(driveId, 'Starting a sync…');
    return api('POST', route('sync', { driveId: driveId })).then(function (res) {
        if (res.missing) {
            unavailable.sync = true;
            return loadDrives().then(function () { driveMessage(driveId, 'Sync now is not available on this service yet.'); });
        }
        if (!res.ok) { driveMessage(driveId, errorText(res)); return; }
        var runId = res.body && (res.body.runId || res.body.id);
        driveMessage(driveId, 'Sync started' + (runId ? ' (run ' + runId + ')' : '') + '.');
        return showRunsFor(driveId, runId);
    });
}

function removeDrive(d) {
    if (!window.confirm('Remove ' + d.name + '? Files stay in SharePoint/OneDrive and on the platform; syncing stops.')) return;
    return api('DELETE', '/api/drives/' + encodeURIComponent(d.id)).then(function (res) {
        return loadDrives().then(function () { $('drive-result').textContent = res.ok ? 'Removed ' + d.name + '.' : errorText(res); });
    });
}

function initDrives() {
    $('add-drive-form').addEventListener('submit', addDrive);
    $('refresh-drives').addEventListener('click', loadDrives);
    return loadDrives();
}
`;
