import { createHash } from 'node:crypto';
import { CONSOLE_BODY } from './markup';
import { CONSOLE_SCRIPT } from './script';
import { CONSOLE_STYLES } from './styles';

/**
 * The admin console: one self-contained HTML page (inline CSS and script, no CDN: works offline).
 * The Content-Security-Policy allows exactly that script and stylesheet (by hash), same-origin API
 * calls and nothing else; no-referrer keeps the ?code= of the first load out of Referer headers.
 */
export interface ConsolePage {
    html: string;
    headers: Record<string, string>;
}

function sha256(text: string): string {
    return `'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`;
}

let page: ConsolePage | undefined;

export function consolePage(): ConsolePage {
    if (page) return page;
    const html = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>Admin console · SharePoint &amp; OneDrive Sync</title>
<style>${CONSOLE_STYLES}</style>
</head>
<body>
${CONSOLE_BODY}
<script>${CONSOLE_SCRIPT}</script>
</body>
</html>
`;
    const csp = [
        "default-src 'none'",
        `script-src ${sha256(CONSOLE_SCRIPT)}`,
        `style-src ${sha256(CONSOLE_STYLES)}`,
        "connect-src 'self'",
        "img-src 'self' data:",
        "form-action 'none'",
        "frame-ancestors 'none'",
        "base-uri 'none'",
    ].join('; ');
    page = {
        html,
        headers: {
            'content-type': 'text/html; charset=utf-8',
            'content-security-policy': csp,
            'cache-control': 'no-store',
            'referrer-policy': 'no-referrer',
            'x-content-type-options': 'nosniff',
            'x-frame-options': 'DENY',
        },
    };
    return page;
}
