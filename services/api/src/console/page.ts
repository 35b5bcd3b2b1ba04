import { entry, files, type ConsoleAsset } from '@mailroom/console';

/**
 * The console's page and files (docs/console.md). The page is a shell: the script does the rest and
 * talks to the API with the key the user signs in with, so nothing served here is secret or per tenant.
 *
 * The Content-Security-Policy is the console's main defence: scripts only from this origin, no inline
 * script, fetches only to this API and the outbound service, images only from here or data: URLs. A
 * received mail's HTML is shown in a sandboxed iframe (no scripts, opaque origin) that inherits this
 * policy, so it can neither run script nor load remote images, trackers or fonts.
 */
export interface ConsoleResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

const COMMON_HEADERS = {
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'cross-origin-opener-policy': 'same-origin',
};

export const contentSecurityPolicy = (outboundUrl: string) =>
  [
    "default-src 'none'",
    "script-src 'self'",
    // No inline styles either: a mail preview (a srcdoc frame inherits this policy) shows the mail's
    // text and layout without its <style> and style="", and so without any URL a style could name.
    "style-src 'self'",
    "img-src 'self' data:",
    "font-src 'self'",
    `connect-src 'self' ${new URL(outboundUrl).origin}`,
    "frame-src 'self'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; ');

const escapeAttribute = (value: string) =>
  value.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

export const consolePage = (outboundUrl: string): string => `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="mailroom-outbound-url" content="${escapeAttribute(outboundUrl)}">
<title>Mailroom console</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="/console/${entry.css}">
<script type="module" src="/console/${entry.js}"></script>
</head>
<body>
<div id="app"><noscript>The Mailroom console needs JavaScript.</noscript></div>
</body>
</html>
`;

/** `GET /console` and `GET /console/{file}`: the page, a built file, or a 404. */
export function serveConsole(file: string | undefined, outboundUrl: string): ConsoleResponse {
  if (!file) {
    return {
      status: 200,
      headers: {
        ...COMMON_HEADERS,
        'content-type': 'text/html; charset=utf-8',
        'content-security-policy': contentSecurityPolicy(outboundUrl),
        // The page names the current build's files: never cache it, so a deploy shows at once.
        'cache-control': 'no-cache',
      },
      body: consolePage(outboundUrl),
    };
  }
  const asset: ConsoleAsset | undefined = Object.hasOwn(files, file) ? files[file] : undefined;
  if (!asset) {
    return {
      status: 404,
      headers: { ...COMMON_HEADERS, 'content-type': 'application/json' },
      body: JSON.stringify({ error: { code: 'RESOURCE.NOT_FOUND', message: 'no such console file' } }),
    };
  }
  return {
    status: 200,
    headers: {
      ...COMMON_HEADERS,
      'content-type': asset.contentType,
      // Names carry their content's hash: a file never changes under its name.
      'cache-control': 'public, max-age=31536000, immutable',
    },
    body: asset.body,
  };
}
