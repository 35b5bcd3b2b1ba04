import { useEffect, useRef, useState } from 'preact/hooks';

/** How long "Copied" stays next to the button. */
const FEEDBACK_MS = 2500;

/**
 * Copies `text` with the Clipboard API and says so. Where the browser refuses (no permission, not a
 * secure context, an older browser), it selects `target`'s text instead and asks for Ctrl+C / ⌘C, so
 * the value is one keystroke away either way.
 */
export function CopyButton({
  text,
  label,
  target,
}: {
  text: string;
  /** The button's accessible name, e.g. "Copy value of the CNAME record abc._domainkey.example.com". */
  label: string;
  /** The element holding `text`, selected when copying is refused. */
  target: () => HTMLElement | null;
}) {
  const [result, setResult] = useState<'copied' | 'select' | null>(null);
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  useEffect(() => () => clearTimeout(timer.current), []);

  const copy = async () => {
    clearTimeout(timer.current);
    try {
      if (!navigator.clipboard) throw new Error('no Clipboard API');
      await navigator.clipboard.writeText(text);
      setResult('copied');
      timer.current = setTimeout(() => setResult(null), FEEDBACK_MS);
    } catch {
      const el = target();
      if (el) {
        const range = document.createRange();
        range.selectNodeContents(el);
        const selection = getSelection();
        selection?.removeAllRanges();
        selection?.addRange(range);
      }
      setResult('select');
    }
  };

  return (
    <span class="copy">
      <button type="button" class="small-button" aria-label={label} onClick={() => void copy()}>
        Copy
      </button>
      <span class="copy-result small" role="status" data-result={result ?? undefined}>
        {result === 'copied' ? 'Copied' : result === 'select' ? 'Selected: press Ctrl+C (⌘C) to copy' : ''}
      </span>
    </span>
  );
}
