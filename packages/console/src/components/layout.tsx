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

/** Header, navigation and the page; focus moves to the page's heading when the section changes. */
export function Layout({ section, children }: { section: string; children: ComponentChildren }) {
  const { me, signOut } = useSession();
  const main = useRef<HTMLElement>(null);
  useEffect(() => {
    main.current?.querySelector<HTMLElement>('h1')?.focus();
  }, [section]);
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
