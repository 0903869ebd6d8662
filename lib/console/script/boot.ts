/** Client: start-up. Each section loads on its own, so one failing section never blanks the others. */
export const BOOT_SCRIPT = String.raw`
function settle(promises) {
    return Promise.all(promises.map(function (p) { return Promise.resolve(p).catch(function (e) { return e; }); }));
}

function reloadAll() {
    return settle([loadIntegration(), loadProperties(), loadCredentials(), loadAlerts(), loadDrives().then(loadRuns)]);
}

function start() {
    takeKeyFromUrl();
    $('key-form').addEventListener('submit', function (event) {
        event.preventDefault();
        sessionStorage.setItem(KEY_NAME, $('f-functionKey').value.trim());
        $('f-functionKey').value = '';
        $('key-notice').hidden = true;
        reloadAll();
    });
    settle([initSetup(), initProperties(), initCredentials(), initAlerts(), initDrives().then(initRuns)]).then(function () {
        document.body.setAttribute('data-ready', 'true');
    });
}
start();
`;
