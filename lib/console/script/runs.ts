/** Client: run history with per-item outcomes, filters, "why didn't X sync?", transfers and held deletes. */
export const RUNS_SCRIPT = String.raw`
var loadedRuns = [];
var runsStarted = false;
var FINISHED = ['succeeded', 'completed', 'failed', 'partial', 'held', 'cancelled', 'ok', 'done', 'finished'];

function refreshRunDriveOptions(drives) {
    var select = $('f-runDrive');
    var current = select.value;
    replace(select, drives.map(function (d) { return el('option', { value: d.id }, d.name); }));
    if (current && drivesById[current]) select.value = current;
    if (select.value !== current && runsStarted) loadRuns();
}

function runId(r) { return r.runId || r.id; }
function runStatus(r) { return r.status || r.state || 'unknown'; }
/** Per-item outcomes (an array); a run record's own "outcomes" is a count per status. */
function outcomesOf(r) {
    var candidates = [r.itemOutcomes, r.outcomes, r.items];
    for (var i = 0; i < candidates.length; i++) if (Array.isArray(candidates[i])) return candidates[i];
    return undefined;
}

function isHeld(r) {
    if (r.deleteDecision) return false;
    var h = r.heldDeletes;
    return runStatus(r) === 'held' || h === true || Boolean(h && (h.remote || h.platform)) || (outcomesOf(r) || []).some(function (o) { return o.status === 'held'; });
}

function loadRuns() {
    var driveId = $('f-runDrive').value;
    if (unavailable.runs) return Promise.resolve();
    if (!driveId) {
        // No drive yet: probe the route with a placeholder id (drive_not_found when it exists).
        return api('GET', route('runs', { driveId: '-' })).then(function (res) {
            if (res.missing) markUnavailable('runs', 'runs-unavailable', 'runs-panel', 'Run history');
            else replace($('run-list'), el('p', { class: 'help' }, 'Add a drive to see its runs.'));
        });
    }
    $('runs-status').textContent = 'Loading runs…';
    return api('GET', route('runs', { driveId: driveId })).then(function (res) {
        if (res.missing) { markUnavailable('runs', 'runs-unavailable', 'runs-panel', 'Run history'); return; }
        if (!res.ok) { $('runs-status').textContent = errorText(res); return; }
        loadedRuns = list(res.body);
        $('runs-status').textContent = loadedRuns.length + ' run' + (loadedRuns.length === 1 ? '' : 's') + '.';
        return Promise.all(loadedRuns.map(function (r) { return outcomesOf(r) || unavailable.run ? r : loadRunDetail(driveId, r); })).then(function () {
            renderRuns(driveId);
            renderWhy();
            return loadTransfers(driveId);
        });
    });
}

function loadRunDetail(driveId, r) {
    return api('GET', route('run', { driveId: driveId, runId: runId(r) })).then(function (res) {
        if (res.missing) { unavailable.run = true; return r; }
        if (res.ok && res.body) {
            // { run, outcomes, total }: the record, then its per-item outcomes.
            var record = res.body.run || {};
            Object.keys(record).forEach(function (k) { r[k] = record[k]; });
            var items = Array.isArray(res.body.outcomes) ? res.body.outcomes : Array.isArray(res.body.value) ? res.body.value : undefined;
            if (items) r.itemOutcomes = items;
            if (typeof res.body.total === 'number') r.outcomeTotal = res.body.total;
        }
        return r;
    });
}

function countsText(counts) {
    if (!counts || typeof counts !== 'object' || Array.isArray(counts)) return '';
    return Object.keys(counts).filter(function (k) { return typeof counts[k] === 'number' && counts[k] > 0; }).map(function (k) { return k + ' ' + counts[k]; }).join(', ');
}

function renderRuns(driveId) {
    var filter = $('f-outcomeStatus').value;
    replace($('run-list'), loadedRuns.length ? loadedRuns.map(function (r, i) {
        var outcomes = outcomesOf(r) || [];
        var shown = outcomes.filter(function (o) { return !filter || o.status === filter; });
        var held = isHeld(r);
        return el('details', { class: 'card', open: i === 0 ? true : undefined, 'data-run-id': runId(r) },
            el('summary', {}, el('strong', {}, (r.trigger || 'run') + ' sync'), ' ', badge(runStatus(r)), ' ', when(r.startedAt || r.queuedAt || r.requestedAt), ' ', countsText(r.counts)),
            r.error ? el('p', { class: 'notice bad' }, r.error.message || String(r.error), r.error.hint ? ' ' + r.error.hint : '') : null,
            held ? heldActions(driveId, r) : null,
            r.outcomeTotal > outcomes.length ? el('p', { class: 'help' }, 'Showing ' + outcomes.length + ' of ' + r.outcomeTotal + ' outcomes.') : null,
            outcomes.length ? el('div', { class: 'table-wrap' }, el('table', {},
                el('caption', { class: 'visually-hidden' }, 'Item outcomes of run ' + runId(r)),
                el('thead', {}, el('tr', {}, el('th', { scope: 'col' }, 'Item'), el('th', { scope: 'col' }, 'Action'), el('th', { scope: 'col' }, 'Outcome'), el('th', { scope: 'col' }, 'Why'))),
                el('tbody', {}, shown.map(outcomeRow)))) : el('p', { class: 'help' }, 'No per-item outcomes recorded for this run.'),
            outcomes.length && !shown.length ? el('p', { class: 'help' }, 'No outcome matches the filter.') : null);
    }) : el('p', { class: 'help' }, 'No runs yet.'));
}

function outcomeRow(o) {
    return el('tr', { 'data-outcome-status': o.status },
        el('td', { class: 'path' }, o.path),
        el('td', {}, o.action),
        el('td', {}, badge(o.status)),
        el('td', {}, o.message, o.hint ? el('div', { class: 'help' }, 'What to do: ' + o.hint) : null,
            o.graphCode ? el('div', { class: 'help' }, 'Graph: ' + o.graphCode + (o.requestId ? ' (request ' + o.requestId + ')' : '')) : null,
            o.transfer ? transferText(o.transfer) : null));
}

/** Where the copy a run queued stands now: done (with what happened on the way), failed with its hint, … */
function transferText(t) {
    var notes = (t.notes || []).map(function (n) { return n.message; }).join(' ');
    var err = t.lastError ? ' ' + t.lastError.message + (t.lastError.hint ? ' What to do: ' + t.lastError.hint : '') : '';
    return el('div', { class: 'help', 'data-field': 'transfer-state' }, 'Copy: ' + t.state + '.' + (notes ? ' ' + notes : '') + err);
}

function heldActions(driveId, r) {
    var note = el('span', { role: 'status', 'aria-live': 'polite' });
    function decide(which) {
        note.textContent = 'Sending…';
        return api('POST', route(which, { driveId: driveId })).then(function (res) {
            if (res.missing) { note.textContent = 'Approving or rejecting held deletes is not available on this service yet.'; return; }
            note.textContent = res.ok ? (which === 'approveHeld' ? 'Approved: the deletes will be applied.' : 'Rejected: nothing will be deleted.') : errorText(res);
            if (res.ok) $('runs-status').textContent = note.textContent;
            if (res.ok) return sleep(800).then(loadRuns);
        });
    }
    return el('div', { class: 'notice' }, el('strong', {}, 'Deletes held for approval. '), heldText(r),
        el('div', { class: 'actions' },
            el('button', { type: 'button', onclick: function () { decide('approveHeld'); } }, 'Approve deletes'),
            el('button', { type: 'button', class: 'danger', onclick: function () { decide('rejectHeld'); } }, 'Reject deletes'), note));
}

function heldText(r) {
    var h = r.heldDeletes;
    if (h && typeof h === 'object') return 'This run would delete ' + (h.remote || 0) + ' item(s) in Microsoft 365 and ' + (h.platform || 0) + ' on the platform, over the big-delete limits.';
    return 'This run would delete more items than the big-delete limits allow.';
}

function renderWhy() {
    var q = $('f-whyPath').value.trim().toLowerCase();
    var out = $('why-result');
    if (!q) { replace(out, null); return; }
    var seen = {};
    var hits = [];
    loadedRuns.forEach(function (r) {
        (outcomesOf(r) || []).forEach(function (o) {
            if (String(o.path).toLowerCase().indexOf(q) < 0 || seen[o.path]) return;
            seen[o.path] = true;
            hits.push({ run: r, outcome: o });
        });
    });
    replace(out, hits.length ? el('div', { class: 'notice', 'aria-label': 'Why it did not sync' }, hits.slice(0, 20).map(function (h) {
        var o = h.outcome;
        return el('p', {}, el('strong', {}, o.path), ': ', badge(o.status), ' ', o.message, o.hint ? ' What to do: ' + o.hint : '', ' (', o.code, ', run of ', when(h.run.startedAt || h.run.queuedAt), ')');
    })) : el('p', { class: 'notice' }, 'No recent run mentions "' + q + '". If the file changed since, wait for the next sync or press Sync now; if it never appears, check its name and size against the SharePoint limits.'));
}

var TRANSFER_LABELS = { active: 'in progress', queued: 'queued', retrying: 'retrying', failed: 'failed', skipped: 'skipped', done: 'done' };
var transferTimer;

/**
 * The drive's transfers (GET /api/drives/{driveId}/transfers) with a progress bar each, and the newest
 * run's files done of files planned; refreshed every second while anything is moving.
 */
function loadTransfers(driveId) {
    if (unavailable.transfers) return Promise.resolve();
    clearTimeout(transferTimer);
    var newest = loadedRuns[0];
    return Promise.all([
        api('GET', route('transfers', { driveId: driveId }) + '?limit=100'),
        newest ? api('GET', route('transfers', { driveId: driveId }) + '?limit=1&runId=' + encodeURIComponent(runId(newest))) : Promise.resolve(undefined)
    ]).then(function (replies) {
        var res = replies[0];
        if (res.missing) { unavailable.transfers = true; return; }
        if (!res.ok || $('f-runDrive').value !== driveId) return;
        var transfers = list(res.body);
        var summary = replies[1] && replies[1].ok ? replies[1].body.summary : undefined;
        replace($('transfers'), [summary && summary.planned ? runProgress(summary, newest) : null,
            transfers.length ? [el('h3', {}, 'Transfers'), el('ul', { class: 'transfers' }, transfers.map(function (t) { return transferItem(driveId, t); }))] : null]);
        var moving = transfers.some(function (t) { return t.state === 'active' || t.state === 'queued' || t.state === 'retrying'; }) ||
            (summary && summary.byState.done + summary.byState.failed + summary.byState.skipped < summary.planned);
        if (moving) transferTimer = setTimeout(function () { if ($('f-runDrive').value === driveId) loadTransfers(driveId); }, 1000);
    });
}

function runProgress(summary, run) {
    var s = summary.byState;
    var settled = s.done + s.failed + s.skipped;
    var label = (run && run.firstSync ? 'First sync: ' : 'Last run: ') + s.done + ' of ' + summary.planned + ' files done';
    return el('div', { class: 'notice', id: 'run-progress', 'data-done': s.done, 'data-planned': summary.planned },
        el('strong', {}, label), ' ',
        el('progress', { max: summary.planned, value: s.done, 'aria-label': label }),
        s.failed ? ' · ' + s.failed + ' failed' : '', s.skipped ? ' · ' + s.skipped + ' skipped' : '',
        settled < summary.planned ? ' · ' + (summary.planned - settled) + ' to go' : '');
}

function transferItem(driveId, t) {
    var label = (t.direction === 'upload' ? 'To Microsoft 365: ' : 'To the platform: ') + t.path;
    var note = el('span', { role: 'status', 'aria-live': 'polite' });
    return el('li', { 'data-transfer-id': t.transferId, 'data-state': t.state, 'data-direction': t.direction },
        label, ' ', badge(t.state, TRANSFER_LABELS[t.state]), ' ',
        el('progress', { max: t.bytesTotal || 1, value: t.bytesDone || 0, 'aria-label': label }), ' ',
        bytes(t.bytesDone) + ' of ' + bytes(t.bytesTotal),
        t.bytesPerSecond ? ' · ' + bytes(t.bytesPerSecond) + '/s' : '',
        t.startedAt ? ' · started ' + when(t.startedAt) : '',
        t.attempts > 1 ? ' · attempt ' + t.attempts : '',
        t.lastError ? el('div', { class: 'help' }, t.lastError.message, ' What to do: ' + t.lastError.hint) : null,
        t.replay ? el('div', { class: 'actions' }, el('button', { type: 'button', class: 'secondary', onclick: function () {
            note.textContent = 'Queuing it again…';
            api(t.replay.method, t.replay.href).then(function (r) {
                note.textContent = r.ok ? 'Queued again.' : errorText(r);
                if (r.ok) return loadTransfers(driveId);
            });
        } }, 'Replay'), note) : null);
}

function showRunsFor(driveId, id) {
    $('f-runDrive').value = driveId;
    var tries = 0;
    function poll() {
        return loadRuns().then(function () {
            var run = loadedRuns.filter(function (r) { return !id || runId(r) === id; })[0];
            if (unavailable.runs || (run && FINISHED.indexOf(runStatus(run)) >= 0) || ++tries > 30) {
                var d = run && drivesById[driveId];
                return d ? loadDrives() : undefined;
            }
            return sleep(1500).then(poll);
        });
    }
    return poll();
}

function initRuns() {
    runsStarted = true;
    $('f-runDrive').addEventListener('change', loadRuns);
    $('refresh-runs').addEventListener('click', loadRuns);
    $('f-outcomeStatus').addEventListener('change', function () { renderRuns($('f-runDrive').value); });
    $('f-whyPath').addEventListener('input', renderWhy);
    return loadRuns();
}
`;
