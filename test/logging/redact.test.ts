import { redact, redactText } from '../../lib/logging/redact';

describe('redact', () => {
    const jwt = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJhYmMiLCJ0aWQiOiJ4In0.c2lnbmF0dXJlLXBhcnQ';

    it.each([
        ['bearer header', `Authorization: Bearer ${jwt}`, jwt],
        ['bare JWT', `token was ${jwt} ok`, jwt],
        ['SAS signature', 'https://a.blob.core.windows.net/c/b?sv=2024&sig=AbC%2Bdef123%3D&se=2026', 'AbC%2Bdef123'],
        [
            'upload URL tempauth',
            'https://contoso.sharepoint.com/_api/v2.0/drives/x/items/y/uploadSession?guid=1&tempauth=v1.secretstuff',
            'secretstuff',
        ],
        ['account key', 'DefaultEndpointsProtocol=https;AccountName=a;AccountKey=c2VjcmV0a2V5==;', 'c2VjcmV0a2V5'],
        [
            'oauth code in a URL',
            'https://svc/oauth2/sharepoint/callback?code=0.AXYZsecretcode&state=abc',
            '0.AXYZsecretcode',
        ],
    ])('removes a %s from text', (_name, text, secret) => {
        const out = redactText(text);
        expect(out).not.toContain(secret);
        expect(out).toContain('[redacted]');
    });

    it('removes secret-named properties at any depth and keeps the rest', () => {
        const out = redact({
            tenantId: 't',
            nested: { clientSecret: 'abc~123', refresh_token: 'rt', list: [{ uploadUrl: 'https://x/upload?a=1' }] },
            bundle: { name: 'client-secret', value: 'the-value' },
            item: { name: 'report.docx', value: 42 },
        });
        expect(out).toEqual({
            tenantId: 't',
            nested: { clientSecret: '[redacted]', refresh_token: '[redacted]', list: [{ uploadUrl: '[redacted]' }] },
            bundle: { name: 'client-secret', value: '[redacted]' },
            item: { name: 'report.docx', value: 42 },
        });
    });

    it('redacts error messages but keeps their names', () => {
        expect(redact(new Error(`failed with Bearer ${jwt}`))).toEqual({
            name: 'Error',
            message: 'failed with Bearer [redacted]',
        });
    });
});
