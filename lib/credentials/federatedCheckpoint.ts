import { Checkpoint, checkpoint } from '../integration/status/checkpoint';
import type { IntegrationRecord } from '../integration/integrationRepository';
import type { Services } from '../runtime/services';
import { allCredentials, FederatedCredential } from './credentialModel';
import { federatedSetup, federatedSetupHint } from './federatedSetup';
import { federatedAssertion } from './msalCredential';
import { verifyClientCredential } from './verifyCredential';

/**
 * Secretless mode: the managed identity's token must be accepted as the app's credential. The
 * evidence names the issuer, subject and audience the federated identity credential must carry,
 * read from the identity's own token, so the admin copies them instead of hunting for them.
 */
export async function checkFederatedCredential(
    services: Services,
    integration: IntegrationRecord,
): Promise<Checkpoint | undefined> {
    const candidates = allCredentials(integration).filter(
        (c): c is FederatedCredential => c.kind === 'federated' && c.state !== 'retired',
    );
    const credential = candidates.find((c) => c.state === 'active') ?? candidates[0];
    if (!credential) return undefined;
    const setup = await federatedSetup(services, integration, credential.managedIdentityClientId);
    const expected = setup.problem
        ? `audience ${setup.audience}`
        : `issuer ${setup.issuer}, subject ${setup.subject}, audience ${setup.audience}`;
    if (setup.problem)
        return checkpoint('federated_credential', 'fail', setup.problem, { hint: federatedSetupHint(setup) });
    const verified = await verifyClientCredential(
        services,
        integration,
        federatedAssertion(services, integration, credential.managedIdentityClientId),
    );
    if (!verified.ok) {
        return checkpoint(
            'federated_credential',
            'fail',
            `Entra refused the managed identity's token: ${verified.failure.message} The federated credential must match ${expected}.`,
            { code: verified.code, hint: federatedSetupHint(setup) },
        );
    }
    const state =
        credential.state === 'active' ? 'in use' : `${credential.state}: promote it to stop using stored secrets`;
    return checkpoint(
        'federated_credential',
        credential.state === 'active' ? 'pass' : 'warn',
        `Entra accepts the managed identity's token (${state}); federated credential: ${expected}.`,
        credential.state === 'active'
            ? {}
            : { hint: `POST /api/manage/integration/credentials/${credential.id}/promote.` },
    );
}
