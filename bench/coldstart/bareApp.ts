import { app } from '@azure/functions';

/** The baseline: a bare @azure/functions app with one HTTP function. */
app.http('hello', {
    route: 'hello',
    methods: ['GET'],
    authLevel: 'anonymous',
    handler: async () => ({ body: 'hello' }),
});
