/** Client: the system properties form, generated from GET /api/manage/properties. */
export const PROPERTIES_SCRIPT = String.raw`
var PROPERTY_HELP = {
    ShowNewMyAccountFilesView: 'Lets users connect SharePoint or OneDrive under My Content > My Files.',
    EnableDownloadExternalFile: 'Lets users download files from external drives to their devices.',
    AllowPersonalConnections: 'Lets users connect their own OneDrive (personal drives).',
    SyncIntervalMinutes: 'Minutes between scheduled syncs (5 to 1440).',
    DefaultConflictPolicy: 'What happens when both sides changed a file.',
    BigDeleteMaxCount: 'Deletes above this count (and the percentage) wait for approval.',
    BigDeleteMaxPercent: 'Deletes above this share of a drive (and the count) wait for approval.',
    PlatformScanMinutes: 'Longest time between full listings of the platform store (0 = every sync); uploads through the API are seen at once.'
};
var POLICIES = ['keep-both', 'prefer-remote', 'prefer-platform', 'newest'];
var loadedProperties = {};

function loadProperties() {
    return api('GET', '/api/manage/properties').then(function (res) {
        if (!res.ok) { $('e-properties-form').textContent = errorText(res); return; }
        loadedProperties = res.body;
        replace($('property-fields'), Object.keys(res.body).map(function (name) { return propertyField(name, res.body[name]); }));
    });
}

function propertyField(name, value) {
    var id = 'p-' + name;
    var help = PROPERTY_HELP[name] || '';
    var described = 'h-' + id + ' e-' + id;
    var input;
    if (typeof value === 'boolean') {
        input = el('input', { type: 'checkbox', id: id, name: name, checked: value, 'aria-describedby': described });
        return el('div', { class: 'field' }, el('div', { class: 'field check' }, input, el('label', { for: id }, name)),
            el('p', { class: 'help', id: 'h-' + id }, help), el('p', { class: 'error', id: 'e-' + id, 'data-error-for': name }));
    }
    if (name === 'DefaultConflictPolicy') {
        input = el('select', { id: id, name: name, 'aria-describedby': described }, POLICIES.map(function (p) { return el('option', { value: p }, p); }));
        input.value = value;
    } else {
        input = el('input', { type: typeof value === 'number' ? 'number' : 'text', id: id, name: name, value: value, 'aria-describedby': described });
    }
    return el('div', { class: 'field' }, el('label', { for: id }, name), input, el('p', { class: 'help', id: 'h-' + id }, help), el('p', { class: 'error', id: 'e-' + id, 'data-error-for': name }));
}

function saveProperties(event) {
    event.preventDefault();
    var form = $('properties-form');
    clearFieldErrors(form);
    var patch = {};
    Object.keys(loadedProperties).forEach(function (name) {
        var input = form.elements[name];
        if (!input) return;
        var value = input.type === 'checkbox' ? input.checked : input.type === 'number' ? (input.value === '' ? null : Number(input.value)) : input.value;
        if (value !== loadedProperties[name]) patch[name] = value;
    });
    if (!Object.keys(patch).length) { $('properties-result').textContent = 'No changes.'; return; }
    return api('PATCH', '/api/manage/properties', patch).then(function (res) {
        if (!res.ok) { $('properties-result').textContent = 'Not saved.'; showFieldErrors(form, res, 'e-properties-form'); return; }
        $('properties-result').textContent = 'Saved: ' + (res.body.changed || []).join(', ') + '.';
        return loadProperties();
    });
}

function initProperties() {
    $('properties-form').addEventListener('submit', saveProperties);
    return loadProperties();
}
`;
