import { spawnSync } from 'node:child_process';
import { ensureDevCertificates } from '../tls/devCertificates';

/**
 * `npm test`: makes sure the local CA exists, then runs jest with NODE_EXTRA_CA_CERTS pointing at it,
 * so MSAL, SecretClient, the Graph client and fetch trust the HTTPS simulators the way a developer's
 * machine trusts Microsoft's hosts. Node reads that variable only at start-up, hence this wrapper.
 */
const { caPath } = ensureDevCertificates();
const jest = require.resolve('jest/bin/jest');
const result = spawnSync(process.execPath, [jest, ...process.argv.slice(2)], {
    stdio: 'inherit',
    env: { API_CONTRACT: 'enforce', ...process.env, NODE_EXTRA_CA_CERTS: caPath },
});
process.exit(result.status ?? 1);
