import { ErrorBox } from '../components/error-box';
import { MessageTable } from '../components/message-table';
import { SearchForm, searchValues } from '../components/search-form';
import { REFRESH_MS, usePagedList } from '../components/use-paged-list';
import { IN_FLIGHT, MESSAGE_STATUSES, type MessageSummary } from '../types';

/** Search sent mail by recipient, status and time; newest first, one page after another. */
export function MessagesPage({ query }: { query: URLSearchParams }) {
  const filters = searchValues(query);
  const list = usePagedList<MessageSummary>('/v1/messages', { ...filters }, (m) => IN_FLIGHT.has(m.status));
  return (
    <section>
      <h1 tabIndex={-1}>Messages</h1>
      <SearchForm
        section="messages"
        values={filters}
        statuses={MESSAGE_STATUSES}
        recipientPlaceholder="someone@example.com"
      />
      <ErrorBox error={list.error} />
      {list.inFlight && (
        <p class="muted small" aria-live="polite">
          Mail in flight: refreshing every {REFRESH_MS / 1000} s.
        </p>
      )}
      {list.page ? <MessageTable items={list.page.items} /> : list.loading && <p class="muted">Loading…</p>}
      <ErrorBox error={list.more.error} />
      {list.page?.nextCursor && (
        <button type="button" onClick={() => void list.loadMore()} disabled={list.more.busy}>
          {list.more.busy ? 'Loading…' : 'Older mail'}
        </button>
      )}
    </section>
  );
}
