import { ALERTS_SCRIPT } from './alerts';
import { BOOT_SCRIPT } from './boot';
import { CORE_SCRIPT } from './core';
import { CREDENTIALS_SCRIPT } from './credentials';
import { DRIVES_SCRIPT } from './drives';
import { PROPERTIES_SCRIPT } from './properties';
import { RUNS_SCRIPT } from './runs';
import { SETUP_SCRIPT } from './setup';

/** The console's script: one strict-mode function scope, no globals leaked, no dependencies. */
export const CONSOLE_SCRIPT = `(function () {
'use strict';
${[CORE_SCRIPT, SETUP_SCRIPT, DRIVES_SCRIPT, RUNS_SCRIPT, CREDENTIALS_SCRIPT, ALERTS_SCRIPT, PROPERTIES_SCRIPT, BOOT_SCRIPT].join('\n')}
})();
`;
