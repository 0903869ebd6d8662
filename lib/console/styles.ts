/** The console's stylesheet: system fonts, no external assets, readable from 390px to 1280px and up. */
export const CONSOLE_STYLES = `
:root { --fg: #1b1b1f; --muted: #5a5d66; --line: #d6d8de; --bg: #f6f7f9; --card: #fff; --accent: #0f5bd8; --ok: #116b2e; --warn: #8a5a00; --bad: #b3261e; --pending: #5a5d66; }
* { box-sizing: border-box; }
body { margin: 0; font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--fg); background: var(--bg); }
header { background: #14213d; color: #fff; padding: .75rem 1rem; }
header h1 { margin: 0 0 .4rem; font-size: 1.15rem; }
nav ul { list-style: none; margin: 0; padding: 0; display: flex; flex-wrap: wrap; gap: .25rem .9rem; }
nav a { color: #dce6ff; }
a { color: var(--accent); }
a:focus-visible, button:focus-visible, input:focus-visible, select:focus-visible, summary:focus-visible { outline: 3px solid #ffb000; outline-offset: 2px; }
main { max-width: 72rem; margin: 0 auto; padding: 1rem; display: grid; gap: 1rem; }
section { background: var(--card); border: 1px solid var(--line); border-radius: 8px; padding: 1rem; min-width: 0; }
section h2 { margin-top: 0; font-size: 1.2rem; }
h3 { font-size: 1.02rem; margin: 1.2rem 0 .5rem; }
.grid { display: grid; grid-template-columns: repeat(auto-fit, minmax(16rem, 1fr)); gap: .75rem 1rem; }
.field { display: flex; flex-direction: column; gap: .2rem; min-width: 0; }
.field label { font-weight: 600; overflow-wrap: anywhere; }
.field.check { flex-direction: row; align-items: center; gap: .5rem; }
input, select, button { font: inherit; }
input[type=text], input[type=password], input[type=date], input[type=number], input[type=search], select { padding: .45rem .5rem; border: 1px solid #9097a3; border-radius: 5px; width: 100%; min-width: 0; background: #fff; }
input[aria-invalid=true] { border-color: var(--bad); box-shadow: 0 0 0 1px var(--bad); }
.help { color: var(--muted); font-size: .86rem; margin: 0; }
.error { color: var(--bad); font-size: .9rem; margin: 0; font-weight: 600; }
.error:empty { display: none; }
button { padding: .45rem .9rem; border-radius: 5px; border: 1px solid var(--accent); background: var(--accent); color: #fff; cursor: pointer; }
button.secondary { background: #fff; color: var(--accent); }
button.danger { background: #fff; color: var(--bad); border-color: var(--bad); }
button:disabled { opacity: .55; cursor: not-allowed; }
.actions { display: flex; flex-wrap: wrap; gap: .5rem; align-items: center; margin-top: .75rem; }
.notice { padding: .6rem .8rem; border-radius: 6px; background: #eef2fb; border: 1px solid #c9d5f3; margin: .5rem 0; }
.notice.bad { background: #fdecea; border-color: #f3b8b2; }
.notice.unavailable { background: #f3f3f5; border-color: var(--line); color: var(--muted); }
.notice:empty { display: none; }
.checklist { list-style: none; padding: 0; margin: .5rem 0 0; display: grid; gap: .4rem; }
.checklist li { display: grid; grid-template-columns: 1.6rem 1fr; gap: .1rem .5rem; padding: .5rem; border: 1px solid var(--line); border-radius: 6px; }
.checklist .mark { font-weight: 700; text-align: center; }
.checklist .evidence, .checklist .hint { grid-column: 2; margin: 0; font-size: .9rem; overflow-wrap: anywhere; }
.checklist .hint { color: var(--warn); }
li[data-status=pass] .mark { color: var(--ok); } li[data-status=fail] .mark { color: var(--bad); }
li[data-status=warn] .mark { color: var(--warn); } li[data-status=pending] .mark { color: var(--pending); }
.badge { display: inline-block; padding: .05rem .5rem; border-radius: 999px; font-size: .82rem; font-weight: 600; border: 1px solid currentColor; white-space: nowrap; }
.badge.ok, .badge.connected, .badge.pass, .badge.succeeded { color: var(--ok); }
.badge.bad, .badge.failed, .badge.needs_reauth, .badge.access_lost, .badge.fail { color: var(--bad); }
.badge.warn, .badge.needs_library, .badge.held, .badge.conflict, .badge.skipped, .badge.retrying { color: var(--warn); }
.badge.pending_connection, .badge.pending, .badge.queued, .badge.running { color: var(--pending); }
.cards { display: grid; gap: .75rem; }
.card { border: 1px solid var(--line); border-radius: 6px; padding: .75rem; min-width: 0; }
.card h4 { margin: 0 0 .3rem; font-size: 1rem; display: flex; flex-wrap: wrap; gap: .5rem; align-items: center; }
.meta { display: grid; grid-template-columns: max-content 1fr; gap: .15rem .75rem; margin: .3rem 0; font-size: .9rem; }
.meta dt { color: var(--muted); } .meta dd { margin: 0; overflow-wrap: anywhere; }
.table-wrap { overflow-x: auto; }
table { border-collapse: collapse; width: 100%; font-size: .9rem; }
th, td { text-align: left; padding: .35rem .5rem; border-bottom: 1px solid var(--line); vertical-align: top; }
td.path { overflow-wrap: anywhere; min-width: 10rem; }
progress { width: 10rem; max-width: 100%; }
.picker { margin-top: .75rem; padding: .75rem; border: 1px dashed var(--line); border-radius: 6px; }
.picker ul { padding-left: 1.2rem; }
.filters { display: grid; grid-template-columns: repeat(auto-fit, minmax(12rem, 1fr)); gap: .5rem 1rem; align-items: end; }
.visually-hidden { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
@media (max-width: 480px) { main { padding: .5rem; } section { padding: .75rem; } .meta { grid-template-columns: 1fr; } .meta dt { margin-top: .3rem; } }
`;
