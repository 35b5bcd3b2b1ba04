/**
 * The policy a received mail's HTML runs under, first thing in its document: no script, and nothing
 * loaded from anywhere — no remote image (trackers), stylesheet, font or frame; only the mail's own
 * inline styles and data: images. The console page's own policy applies to the frame as well (a srcdoc
 * document inherits it), so this one only ever narrows it.
 */
export const PREVIEW_POLICY = "default-src 'none'; style-src 'unsafe-inline'; img-src data:";

/** The srcdoc of the preview: the policy, then the mail's HTML as it came. */
export const previewDocument = (html: string): string =>
  `<meta http-equiv="Content-Security-Policy" content="${PREVIEW_POLICY}">${html}`;

/**
 * A received mail's HTML in a sandboxed frame. `sandbox=""` grants nothing: no script, no forms, no
 * popups, no navigation of the console, and an opaque origin, so even a script that did run could not
 * reach the console's page, storage or API key. The HTML is never put into the console's own DOM.
 */
export function MailPreview({ html, title }: { html: string; title: string }) {
  return (
    <iframe
      class="mail-preview"
      title={title}
      // sandbox before srcdoc: the frame must never load the mail without its sandbox.
      sandbox=""
      referrerpolicy="no-referrer"
      srcdoc={previewDocument(html)}
    />
  );
}
