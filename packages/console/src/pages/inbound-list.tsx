import { useCallback, useState } from 'preact/hooks';
import { ErrorBox } from '../components/error-box';
import { InboundTable } from '../components/inbound-table';
import { useInterval, useLoad } from '../components/use-load';
import { isoToLocalInput, localInputToIso } from '../format';
import { INBOUND_IN_FLIGHT, INBOUND_STATUSES, type InboundSummary } from '../inbound';
import { navigate } from '../router';
import { useSession } from '../session';
import type { Page } from '../types';
import './inbound.css';

const PAGE_SIZE = 25;
/** How often a list with mail still being processed asks again. */
const REFRESH_MS = 3000;

/** Search received mail by envelope recipient, status and arrival; newest first, one page after another. */
export function InboundListPage({ query }: { query: URLSearchParams }) {
  const { api } = useSession();
  const filters = {
    recipient: query.get('recipient') ?? undefined,
    status: query.get('status') ?? undefined,
    since: query.get('since') ?? undefined,
    until: query.get('until') ?? undefined,
  };
  const key = JSON.stringify(filters);
  const first = () => api.get<Page<InboundSummary>>('/v1/inbound', { ...filters, limit: PAGE_SIZE });
  const list = useLoad(first, [key]);
  const [more, setMore] = useState<{ busy: boolean; error: unknown }>({ busy: false, error: null });

  const page = list.value;
  const inFlight = page?.items.some((m) => INBOUND_IN_FLIGHT.has(m.status)) ?? false;
  // Live refresh while mail is being processed: the first page again, merged in place, newer mail on
  // top; pages loaded with "Older mail" are kept.
  const refresh = useCallback(() => {
    void first().then(
      (fresh) => {
        list.setValue((current) => {
          if (!current) return fresh;
          const byId = new Map(fresh.items.map((m) => [m.id, m]));
          const known = new Set(current.items.map((m) => m.id));
          return {
            items: [
              ...fresh.items.filter((m) => !known.has(m.id)),
              ...current.items.map((m) => byId.get(m.id) ?? m),
            ],
            nextCursor: current.nextCursor,
          };
        });
      },
      () => {},
    );
  }, [key]);
  useInterval(refresh, REFRESH_MS, inFlight);

  const loadMore = async () => {
    if (!page?.nextCursor) return;
    setMore({ busy: true, error: null });
    try {
      const next = await api.get<Page<InboundSummary>>('/v1/inbound', {
        ...filters,
        limit: PAGE_SIZE,
        cursor: page.nextCursor,
      });
      list.setValue({ items: [...page.items, ...next.items], nextCursor: next.nextCursor });
      setMore({ busy: false, error: null });
    } catch (error) {
      setMore({ busy: false, error });
    }
  };

  return (
    <section>
      <h1 tabIndex={-1}>Inbound mail</h1>
      <form
        class="filters"
        role="search"
        onSubmit={(e) => {
          e.preventDefault();
          const data = new FormData(e.currentTarget);
          const text = (name: string) => String(data.get(name) ?? '').trim() || undefined;
          navigate('inbound', {
            recipient: text('recipient'),
            status: text('status'),
            since: localInputToIso(text('since') ?? ''),
            until: localInputToIso(text('until') ?? ''),
          });
        }}
      >
        <label>
          Recipient
          <input
            name="recipient"
            type="email"
            value={filters.recipient ?? ''}
            placeholder="support@in.example.com"
          />
        </label>
        <label>
          Status
          <select name="status" value={filters.status ?? ''}>
            <option value="">any</option>
            {INBOUND_STATUSES.map((s) => (
              <option key={s} value={s}>
                {s}
              </option>
            ))}
          </select>
        </label>
        <label>
          Since
          <input name="since" type="datetime-local" value={isoToLocalInput(filters.since)} />
        </label>
        <label>
          Until
          <input name="until" type="datetime-local" value={isoToLocalInput(filters.until)} />
        </label>
        <button type="submit" class="primary">
          Search
        </button>
      </form>
      <ErrorBox error={list.error} />
      {inFlight && (
        <p class="muted small" aria-live="polite">
          Mail being processed: refreshing every {REFRESH_MS / 1000} s.
        </p>
      )}
      {page ? <InboundTable items={page.items} /> : list.loading && <p class="muted">Loading…</p>}
      <ErrorBox error={more.error} />
      {page?.nextCursor && (
        <button type="button" onClick={() => void loadMore()} disabled={more.busy}>
          {more.busy ? 'Loading…' : 'Older mail'}
        </button>
      )}
    </section>
  );
}
