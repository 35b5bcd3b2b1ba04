import { ErrorBox } from '../components/error-box';
import { InboundTable } from '../components/inbound-table';
import { SearchForm, searchValues } from '../components/search-form';
import { REFRESH_MS, usePagedList } from '../components/use-paged-list';
import { INBOUND_IN_FLIGHT, INBOUND_STATUSES, type InboundSummary } from '../inbound';
import './inbound.css';

/** Search received mail by envelope recipient, status and arrival; newest first, one page after another. */
export function InboundListPage({ query }: { query: URLSearchParams }) {
  const filters = searchValues(query);
  const list = usePagedList<InboundSummary>('/v1/inbound', { ...filters }, (m) =>
    INBOUND_IN_FLIGHT.has(m.status),
  );
  const { page, more, loadMore, inFlight } = list;

  return (
    <section>
      <h1 tabIndex={-1}>Inbound mail</h1>
      <SearchForm
        section="inbound"
        values={filters}
        statuses={INBOUND_STATUSES}
        recipientPlaceholder="support@in.example.com"
      />
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
