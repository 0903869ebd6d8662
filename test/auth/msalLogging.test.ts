import { LogLevel } from '@azure/msal-node';
import { msalLoggerOptions } from '../../lib/auth/msalLogging';

describe("MSAL's own log", () => {
    const options = msalLoggerOptions(LogLevel);
    let warn: jest.SpyInstance;
    let error: jest.SpyInstance;
    beforeEach(() => {
        warn = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
        error = jest.spyOn(console, 'error').mockImplementation(() => undefined);
    });
    afterEach(() => jest.restoreAllMocks());

    it('asks MSAL for warnings and errors only, never PII', () => {
        expect(options.logLevel).toBe(LogLevel.Warning);
        expect(options.piiLoggingEnabled).toBe(false);
    });

    it('writes warnings and errors to the host log, redacted', () => {
        const token = 'eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiJ9.eyJhdWQiOiJodHRwcyJ9.c2lnbmF0dXJlc2lnbmF0dXJl';
        options.loggerCallback!(LogLevel.Warning, `refresh failed for Bearer ${token}`, false);
        options.loggerCallback!(LogLevel.Error, 'cache unreadable', false);
        expect(warn).toHaveBeenCalledTimes(1);
        expect(String(warn.mock.calls[0][0])).toMatch(/^msal: refresh failed/);
        expect(JSON.stringify(warn.mock.calls)).not.toContain(token);
        expect(String(error.mock.calls[0][0])).toBe('msal: cache unreadable');
    });

    it('drops what is normal for app-only tokens (no client_info)', () => {
        options.loggerCallback!(
            LogLevel.Warning,
            '[x] : @azure/msal-node@7 : Warning - No client info in response',
            false,
        );
        expect(warn).not.toHaveBeenCalled();
    });

    it('drops a line MSAL marks as containing PII', () => {
        options.loggerCallback!(LogLevel.Warning, 'user alice@contoso.com', true);
        expect(warn).not.toHaveBeenCalled();
    });
});
