import type { ComponentChildren } from 'preact';
import { useEffect, useRef } from 'preact/hooks';
import { useSession } from '../session';

const SECTIONS = [
  ['messages', 'Messages'],
  ['failed', 'Failed mail'],
  ['inbound', 'Inbound'],
  ['stats', 'Stats'],
  ['domains', 'Domains'],
] as const;

/**
 * Header, navigation and the page. When the page changes, focus moves to its heading, so keyboard and
 * screen reader users start reading there rather than at the top of the document.
 */
export function Layout({
  section,
  path,
  children,
}: {
  section: string;
  path: string;
  children: ComponentChildren;
}) {
  const { me, signOut } = useSession();
  const main = useRef<HTMLElement>(null);
  useEffect(() => {
    // After the page's first render (its heading may wait for data: then the main region takes focus).
    const heading = main.current?.querySelector<HTMLElement>('h1');
    (heading ?? main.current)?.focus();
  }, [path]);
  return (
    <>
      <a class="skip" href="#main" onClick={(e) => (e.preventDefault(), main.current?.focus())}>
        Skip to content
      </a>
      <header class="top">
        <span class="brand">Mailroom</span>
        <nav aria-label="Sections">
          {SECTIONS.map(([id, label]) => (
            <a key={id} href={`#/${id}`} aria-current={section === id ? 'page' : undefined}>
              {label}
            </a>
          ))}
        </nav>
        <span class="who">
          <span title={`scopes: ${me.scopes.join(' ')}`}>{me.tenantId}</span>
          <button type="button" class="link" onClick={signOut}>
            Sign out
          </button>
        </span>
      </header>
      <main id="main" ref={main} tabIndex={-1}>
        {children}
      </main>
    </>
  );
}
