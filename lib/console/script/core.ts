/**
 * Client core (browser JavaScript, served inline): the master (management) key, the API client, DOM
 * helpers. The console calls management routes (authLevel admin), which only the master key opens.
 * The key comes as ?code= on first load; it is kept in sessionStorage (this tab only), removed from
 * the address bar, and sent as x-functions-key. It is never written to the page or the console.
 */
export const CORE_SCRIPT = String.raw`
var KEY_NAME = 'spsync.functionKey';
var FEATURE_ROUTES = {
    sync: '/api/drives/{driveId}/sync',
    runs: '/api/drives/{driveId}/runs',
    run: '/api/drives/{driveId}/runs/{runId}',
    transfers: '/api/drives/{driveId}/transfers',
    approveHeld: '/api/drives/{driveId}/deletes/approve',
    rejectHeld: '/api/drives/{driveId}/deletes/reject',
    credentials: '/api/manage/integration/credentials',
    credential: '/api/manage/integration/credentials/{credentialId}',
    promoteCredential: '/api/manage/integration/credentials/{credentialId}/promote',
    alerts: '/api/manage/alerts',
    acknowledgeAlert: '/api/manage/alerts/{alertId}/acknowledge'
};
var unavailable = {};

function takeKeyFromUrl() {
    var url = new URL(window.location.href);
    var code = url.searchParams.get('code');
    if (code) {
        sessionStorage.setItem(KEY_NAME, code);
        url.searchParams.delete('code');
        history.replaceState(null, '', url.pathname + url.search + url.hash);
    }
}

function route(name, params) {
    return FEATURE_ROUTES[name].replace(/\{(\w+)\}/g, function (_, p) { return encodeURIComponent(params[p]); });
}

/** Calls the API; resolves to { ok, status, body, error, missing } and never rejects. */
function api(method, path, body) {
    var headers = { accept: 'application/json' };
    var key = sessionStorage.getItem(KEY_NAME);
    if (key) headers['x-functions-key'] = key;
    var init = { method: method, headers: headers, cache: 'no-store' };
    if (body !== undefined) { headers['content-type'] = 'application/json'; init.body = JSON.stringify(body); }
    return fetch(path, init).then(function (res) {
        return res.text().then(function (text) {
            var parsed;
            try { parsed = text ? JSON.parse(text) : undefined; } catch (e) { parsed = undefined; }
            var error = parsed && parsed.error && typeof parsed.error.code === 'string' ? parsed.error : undefined;
            if (res.status === 401) showKeyNotice();
            return {
                ok: res.ok, status: res.status, body: parsed, error: error,
                // A route this deployment does not have: the host answers an empty 404.
                missing: res.status === 404 && !error
            };
        });
    }, function (e) {
        return { ok: false, status: 0, body: undefined, error: { code: 'network_error', message: 'The service did not answer (' + e.message + ').' }, missing: false };
    });
}

function showKeyNotice() {
    $('key-notice').hidden = false;
}

function $(id) { return document.getElementById(id); }

/** Builds an element: el('p', { class: 'x' }, 'text', child). Text is always textContent. */
function el(tag, attrs) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) {
        var v = attrs[k];
        if (v === undefined || v === null || v === false) return;
        if (k === 'onclick' || k === 'onchange' || k === 'oninput') node.addEventListener(k.slice(2), v);
        else if (k === 'hidden' || k === 'disabled' || k === 'checked') node[k] = Boolean(v);
        else node.setAttribute(k, v === true ? '' : String(v));
    });
    for (var i = 2; i < arguments.length; i++) append(node, arguments[i]);
    return node;
}

function append(node, child) {
    if (child === undefined || child === null || child === false) return;
    if (Array.isArray(child)) { child.forEach(function (c) { append(node, c); }); return; }
    node.appendChild(typeof child === 'object' ? child : document.createTextNode(String(child)));
}

function replace(node, child) {
    node.textContent = '';
    append(node, child);
}

function badge(status, label) {
    return el('span', { class: 'badge ' + status }, label || String(status).replace(/_/g, ' '));
}

function when(iso) {
    if (!iso) return '—';
    var d = new Date(iso);
    return isNaN(d.getTime()) ? String(iso) : d.toLocaleString();
}

function bytes(n) {
    if (typeof n !== 'number') return '?';
    var units = ['B', 'KB', 'MB', 'GB', 'TB'];
    var i = 0;
    while (n >= 1024 && i < units.length - 1) { n /= 1024; i++; }
    return (i === 0 ? n : n.toFixed(1)) + ' ' + units[i];
}

function errorText(res) {
    if (res.error) return res.error.message + (res.error.hint ? ' ' + res.error.hint : '');
    return 'The service answered ' + res.status + '.';
}

function list(body) {
    if (Array.isArray(body)) return body;
    if (body && Array.isArray(body.value)) return body.value;
    if (body && Array.isArray(body.items)) return body.items;
    return [];
}

/** A section whose routes this service does not have yet: a note instead of an error. */
function markUnavailable(feature, noticeId, panelId, what) {
    unavailable[feature] = true;
    var notice = $(noticeId);
    notice.textContent = what + ' is not available on this service yet (its API route is not registered).';
    notice.hidden = false;
    if (panelId) $(panelId).hidden = true;
}

/** Shows validation_failed details beside their fields (data-error-for), the rest in the form-level slot. */
function showFieldErrors(form, res, formErrorId, fieldMap) {
    clearFieldErrors(form);
    var details = (res.error && res.error.details) || [];
    var leftover = [];
    var firstInvalid;
    details.forEach(function (d) {
        var name = (fieldMap && fieldMap[d.field]) || d.field;
        var slot = form.querySelector('[data-error-for="' + CSS.escape(name) + '"]');
        var input = form.querySelector('[name="' + CSS.escape(d.field) + '"]') || $('f-' + name);
        if (slot && name !== '(body)') {
            slot.textContent = (slot.textContent ? slot.textContent + ' ' : '') + d.message;
            if (input) { input.setAttribute('aria-invalid', 'true'); firstInvalid = firstInvalid || input; }
        } else leftover.push(d.field + ': ' + d.message);
    });
    var formSlot = $(formErrorId);
    if (leftover.length || !details.length) formSlot.textContent = (details.length ? leftover.join(' ') : errorText(res));
    if (firstInvalid) firstInvalid.focus();
}

function clearFieldErrors(form) {
    form.querySelectorAll('[data-error-for]').forEach(function (s) { s.textContent = ''; });
    form.querySelectorAll('[aria-invalid]').forEach(function (i) { i.removeAttribute('aria-invalid'); });
    form.querySelectorAll('.error[role=alert]').forEach(function (s) { s.textContent = ''; });
}

function sleep(ms) { return new Promise(function (r) { setTimeout(r, ms); }); }
`;
