import { contentOrigin } from '../../publicOrigin';
import type { SimState } from '../model/state';
import type { SimItem } from '../model/types';
import type { TempAuth } from './tempauth';

/** Where pre-authenticated downloads are served (SharePoint's own URL shape). */
export const DOWNLOAD_PATH = '/_layouts/15/download.aspx';

/** A fresh `@microsoft.graph.downloadUrl`, valid for options.download.urlLifetimeMs. */
export function mintDownloadUrl(state: SimState, tempAuth: TempAuth, item: SimItem): string {
    const token = tempAuth.sign({
        aud: 'download',
        ref: item.id,
        exp: state.now() + state.options.download.urlLifetimeMs,
    });
    const q = new URLSearchParams({ UniqueId: item.id, Translate: 'false', tempauth: token, ApiVersion: '2.0' });
    const origin = contentOrigin(state.deps.baseUrl, state.drives.get(item.driveId)?.webUrl);
    return `${origin}${DOWNLOAD_PATH}?${q.toString()}`;
}
