import type { app as App } from '@azure/functions';
import { functions } from './registry';

export function registerAll(app: typeof App): void {
    app.setup({ enableHttpStream: true });
    for (const f of functions) {
        switch (f.kind) {
            case 'http':
                app.http(f.name, f.options);
                break;
            case 'timer':
                app.timer(f.name, f.options);
                break;
            case 'queue':
                app.storageQueue(f.name, f.options);
                break;
        }
    }
}
