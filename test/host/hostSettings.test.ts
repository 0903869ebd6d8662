import { parseDuration } from '../../dev/host/duration';
import path from 'node:path';
import { readHostJson, resolveHostSettings } from '../../dev/host/hostJson';
import { decodeMessage } from '../../dev/host/queues/messageContent';
import { PollingBackoff } from '../../dev/host/queues/pollingBackoff';
import { http } from '../../functions/definition';
import { startTestHost, testHostJson } from './hostFixture';

describe('host.json', () => {
    it('parses TimeSpan durations', () => {
        expect(parseDuration('00:00:30', 'x')).toBe(30_000);
        expect(parseDuration('1.02:00:00', 'x')).toBe(26 * 3_600_000);
        expect(parseDuration('00:00:00.200', 'x')).toBe(200);
        expect(() => parseDuration('30s', 'x')).toThrow(/not a duration/);
    });

    it('applies the Storage extension defaults and the service host.json values', () => {
        const defaults = resolveHostSettings({ version: '2.0' }, {});
        expect(defaults).toEqual({
            routePrefix: 'api',
            functionTimeoutMs: 30 * 60_000,
            queues: {
                batchSize: 16,
                newBatchThreshold: 8,
                maxPollingIntervalMs: 60_000,
                visibilityTimeoutMs: 0,
                maxDequeueCount: 5,
                messageEncoding: 'base64',
            },
        });
        const shipped = resolveHostSettings(readHostJson(path.join(__dirname, '..', '..', 'host.json')), {});
        expect(shipped.routePrefix).toBe('');
        expect(shipped.queues).toMatchObject({
            batchSize: 4,
            newBatchThreshold: 2,
            maxDequeueCount: 5,
            visibilityTimeoutMs: 30_000,
        });
        expect(
            resolveHostSettings(
                { version: '2.0', extensions: { http: { routePrefix: 'x' } } },
                { AzureFunctionsJobHost__extensions__http__routePrefix: '' },
            ).routePrefix,
        ).toBe('');
        expect(() => resolveHostSettings({ extensions: { queues: { batchSize: 64 } } }, {})).toThrow(/batchSize/);
    });
});

describe('queue message decoding', () => {
    it('decodes base64, parses JSON, and refuses text that is not base64', () => {
        expect(decodeMessage(Buffer.from('{"a":1}').toString('base64'), 'base64')).toEqual({ input: { a: 1 } });
        expect(decodeMessage(Buffer.from('héllo').toString('base64'), 'base64')).toEqual({ input: 'héllo' });
        expect(decodeMessage('{"a":1}', 'base64')).toBeUndefined();
        expect(decodeMessage('{"a":1}', 'none')).toEqual({ input: { a: 1 } });
    });

    it('backs off exponentially from 100 ms to maxPollingInterval and resets', () => {
        const b = new PollingBackoff(100, 1000, () => 0.5);
        expect([b.next(), b.next(), b.next(), b.next(), b.next()]).toEqual([100, 200, 400, 800, 1000]);
        b.reset();
        expect(b.next()).toBe(100);
    });
});

describe('functionTimeout', () => {
    it('fails an invocation that outlives host.json functionTimeout with a 500, and logs the timeout', async () => {
        const slow = http('slow', {
            route: 'slow',
            methods: ['GET'],
            handler: () => new Promise((r) => setTimeout(() => r({ body: 'late' }), 2_500)),
        });
        const { host, logs } = await startTestHost({
            functions: [slow],
            hostJson: { ...testHostJson(), functionTimeout: '00:00:01' },
            appSettings: {},
        });
        try {
            const res = await fetch(`${host.url}/slow`);
            expect(res.status).toBe(500);
            expect(logs.join('\n')).toMatch(/Timeout value of 00:00:01 exceeded by function 'Functions\.slow'/);
        } finally {
            await host.stop();
        }
    });
});
