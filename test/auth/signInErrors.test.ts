import { oauthFailure } from '../../lib/auth/signInErrors';

/** What the connect flow tells the admin when Entra's answer is an error (m365-quirks entry 12). */
describe('sign-in failures', () => {
    it('says that a declined consent may need an administrator: Entra shows "Need admin approval" and the app hears only access_denied', () => {
        const failure = oauthFailure(
            'access_denied',
            'AADSTS65004: User declined to consent to access the app. Trace ID: x Correlation ID: y Timestamp: z',
        );
        expect(failure.code).toBe('access_denied');
        expect(failure.message).not.toMatch(/^Sign-in was cancelled/);
        expect(failure.message).toMatch(/administrator's approval/);
        expect(failure.hint).toMatch(/Need admin approval/);
        expect(failure.hint).toMatch(/AADSTS90094/);
        expect(failure.hint).toMatch(/Grant admin consent/);
    });

    it.each(['90094', '90093'])('maps AADSTS%s to admin_consent_required with the admin-consent hint', (code) => {
        const failure = oauthFailure('access_denied', `AADSTS${code}: The grant requires admin permission.`);
        expect(failure).toMatchObject({
            code: 'admin_consent_required',
            hint: expect.stringMatching(/Grant admin consent/),
        });
    });

    it('keeps consent_required (AADSTS65001) for a token request that lacks consent', () => {
        expect(oauthFailure('invalid_grant', 'AADSTS65001: The user or administrator has not consented').code).toBe(
            'consent_required',
        );
    });
});
