import { useState } from 'preact/hooks';
import { ErrorBox } from '../components/error-box';
import { StatusBadge } from '../components/status-badge';
import { useLoad } from '../components/use-load';
import { formatTime } from '../format';
import { href, navigate } from '../router';
import { missingScope, useSession } from '../session';
import type { Page } from '../types';
import { DomainPage, takeDeleted, type Domain } from './domain';
import './domains.css';

const PAGE_SIZE = 100;

/**
 * Sending domains (`#/domains`, `#/domains/<domain>`), on the outbound service. Every domain endpoint
 * needs the `admin` scope, so a key without it is told so instead of shown a list it cannot load.
 */
export function DomainsPage({ domain }: { domain?: string }) {
  const { me } = useSession();
  const lacking = missingScope(me, 'admin');
  if (lacking) {
    return (
      <section>
        <h1 tabIndex={-1}>{domain ?? 'Domains'}</h1>
        <p class="notice" role="status" data-reason="scope">
          {lacking} Sending domains need it: sign in with a key that has it to see, add or delete them.
        </p>
      </section>
    );
  }
  return domain ? <DomainPage domain={domain} /> : <DomainList />;
}

function DomainList() {
  const { api } = useSession();
  const [deleted] = useState(takeDeleted);
  const list = useLoad(() => api.get<Page<Domain>>('/v1/domains', { limit: PAGE_SIZE }), []);
  const [more, setMore] = useState<{ busy: boolean; error: unknown }>({ busy: false, error: null });
  const page = list.value;

  const loadMore = async () => {
    if (!page?.nextCursor) return;
    setMore({ busy: true, error: null });
    try {
      const next = await api.get<Page<Domain>>('/v1/domains', { limit: PAGE_SIZE, cursor: page.nextCursor });
      list.setValue({ items: [...page.items, ...next.items], nextCursor: next.nextCursor });
      setMore({ busy: false, error: null });
    } catch (error) {
      setMore({ busy: false, error });
    }
  };

  return (
    <section>
      <h1 tabIndex={-1}>Domains</h1>
      {deleted && (
        <p class="notice" role="status">
          Deleted <strong>{deleted}</strong>: mail from it is refused from now on.
        </p>
      )}
      <AddDomain />
      <h2>Your sending domains</h2>
      <ErrorBox error={list.error} />
      {page ? <DomainTable items={page.items} /> : list.loading && <p class="muted">Loading…</p>}
      <ErrorBox error={more.error} />
      {page?.nextCursor && (
        <button type="button" onClick={() => void loadMore()} disabled={more.busy}>
          {more.busy ? 'Loading…' : 'More domains'}
        </button>
      )}
    </section>
  );
}

function DomainTable({ items }: { items: Domain[] }) {
  if (items.length === 0) return <p class="empty">No sending domains yet: add one above.</p>;
  return (
    <table class="list">
      <thead>
        <tr>
          <th scope="col">Domain</th>
          <th scope="col">Status</th>
          <th scope="col">MAIL FROM</th>
          <th scope="col">Added</th>
        </tr>
      </thead>
      <tbody>
        {items.map((d) => (
          <tr key={d.domain} data-domain={d.domain}>
            <td data-label="Domain" class="addr">
              <a href={href(`domains/${encodeURIComponent(d.domain)}`)}>{d.domain}</a>
            </td>
            <td data-label="Status">
              <StatusBadge status={d.status} />
            </td>
            <td data-label="MAIL FROM" class="addr">
              {d.mailFrom ?? '—'}
            </td>
            <td data-label="Added">
              <time dateTime={d.createdAt} title={d.createdAt}>
                {formatTime(d.createdAt)}
              </time>
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** `POST /v1/domains`; on success the new domain's page, with the records to publish. */
function AddDomain() {
  const { api } = useSession();
  const [state, setState] = useState<{ busy: boolean; error: unknown }>({ busy: false, error: null });
  return (
    <form
      class="filters add-domain"
      aria-labelledby="add-domain-title"
      onSubmit={(e) => {
        e.preventDefault();
        const data = new FormData(e.currentTarget);
        const domain = String(data.get('domain') ?? '').trim();
        const mailFrom = String(data.get('mailFrom') ?? '').trim();
        setState({ busy: true, error: null });
        api.post<Domain>('/v1/domains', { domain, ...(mailFrom && { mailFrom }) }).then(
          (added) => navigate(`domains/${encodeURIComponent(added.domain)}`),
          (error: unknown) => setState({ busy: false, error }),
        );
      }}
    >
      <h2 id="add-domain-title">Add a domain</h2>
      <label>
        Domain
        <input name="domain" required placeholder="mail.example.com" autocomplete="off" spellcheck={false} />
      </label>
      <label>
        MAIL FROM domain (optional)
        <input
          name="mailFrom"
          placeholder="bounce.mail.example.com"
          autocomplete="off"
          spellcheck={false}
          aria-describedby="mail-from-hint"
        />
      </label>
      <button type="submit" class="primary" disabled={state.busy}>
        {state.busy ? 'Adding…' : 'Add domain'}
      </button>
      <p id="mail-from-hint" class="muted small">
        A MAIL FROM domain is a subdomain of the domain; bounces go to it, and SPF and DMARC align with it.
      </p>
      <ErrorBox error={state.error} />
    </form>
  );
}
