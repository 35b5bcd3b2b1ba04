import { useMemo, useState } from 'preact/hooks';
import { ApiError, type Api } from '../api';
import { Confirm } from '../components/confirm';
import { ErrorBox } from '../components/error-box';
import { MESSAGE_COLUMNS, MessageCells } from '../components/message-table';
import { runPool, type Outcome } from '../components/pool';
import { SearchForm } from '../components/search-form';
import { useLoad } from '../components/use-load';
import { href } from '../router';
import { missingScope, useSession } from '../session';
import type { MessageSummary, Page } from '../types';
import './failed.css';

/** The statuses `POST /v1/messages/{id}/retry` takes; the list shows one at a time (the API filters by one). */
const STATUSES = ['failed', 'dropped', 'deferred'] as const;
const PAGE_SIZE = 100;
/**
 * The page loads every page of the window up to this many mails, so "select all" means all of them
 * (a bulk retry is about the whole incident, not the first 25); past it, the reader loads on or narrows
 * the window instead of the browser holding thousands of rows.
 */
const LOAD_AT_MOST = 500;
/** Retries in flight at once: quick for a few hundred mails, gentle on the API's rate limit. */
const CONCURRENCY = 4;
const DAY_MS = 24 * 60 * 60 * 1000;

interface Listing {
  items: MessageSummary[];
  nextCursor: string | null;
}

async function loadWindow(api: Api, filters: Record<string, string | undefined>, cursor: string | null) {
  const items: MessageSummary[] = [];
  let next = cursor;
  do {
    const page = await api.get<Page<MessageSummary>>('/v1/messages', {
      ...filters,
      limit: PAGE_SIZE,
      cursor: next,
    });
    items.push(...page.items);
    next = page.nextCursor;
  } while (next && items.length < LOAD_AT_MOST);
  return { items, nextCursor: next };
}

type Result = Outcome<{ retryId: string }>;

/** Mail that ended failed (or dropped, deferred) in a time window, and a retry of the ones selected. */
export function FailedPage({ query }: { query: URLSearchParams }) {
  const { api, me } = useSession();
  const key = query.toString();
  const filters = useMemo(() => {
    const status = query.get('status') ?? '';
    return {
      status: (STATUSES as readonly string[]).includes(status) ? status : 'failed',
      // The default window is the last day, fixed when the page opens so paging stays in one window.
      since: query.get('since') ?? new Date(Date.now() - DAY_MS).toISOString(),
      until: query.get('until') ?? undefined,
    };
  }, [key]);
  const list = useLoad(() => loadWindow(api, filters, null), [key]);
  const [more, setMore] = useState<{ busy: boolean; error: unknown }>({ busy: false, error: null });
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [asking, setAsking] = useState(false);
  const [run, setRun] = useState<{ ids: string[]; running: boolean } | null>(null);
  const [results, setResults] = useState<Record<string, Result>>({});

  const listing: Listing | undefined = list.value;
  const items = listing?.items ?? [];
  const byId = new Map(items.map((m) => [m.id, m]));
  // Mail a retry queued again is no longer in this status: it stays listed, but not selectable.
  const retried = (id: string) => results[id]?.ok === true;
  const selectable = items.filter((m) => !retried(m.id));
  const chosen = selectable.filter((m) => selected.has(m.id));
  const allChosen = selectable.length > 0 && chosen.length === selectable.length;

  const toggle = (id: string) =>
    setSelected((current) => {
      const next = new Set(current);
      if (next.has(id)) next.delete(id);
      else next.add(id);
      return next;
    });
  const toggleAll = () => setSelected(allChosen ? new Set() : new Set(selectable.map((m) => m.id)));

  const loadMore = async () => {
    if (!listing?.nextCursor) return;
    setMore({ busy: true, error: null });
    try {
      const next = await loadWindow(api, filters, listing.nextCursor);
      list.setValue({ items: [...listing.items, ...next.items], nextCursor: next.nextCursor });
      setMore({ busy: false, error: null });
    } catch (error) {
      setMore({ busy: false, error });
    }
  };

  const retrySelected = async () => {
    setAsking(false);
    const ids = chosen.map((m) => m.id);
    setRun({ ids, running: true });
    setResults((current) => {
      const next = { ...current };
      for (const id of ids) delete next[id];
      return next;
    });
    await runPool(
      ids,
      CONCURRENCY,
      (id) => api.post<{ retryId: string }>(`/v1/messages/${encodeURIComponent(id)}/retry`),
      (id, outcome) => {
        setResults((current) => ({ ...current, [id]: outcome }));
        if (outcome.ok) {
          setSelected((current) => {
            const next = new Set(current);
            next.delete(id);
            return next;
          });
        }
      },
    );
    setRun({ ids, running: false });
  };

  const lacking = missingScope(me, 'send');
  const done = run ? run.ids.filter((id) => results[id]).length : 0;
  const queued = run ? run.ids.filter((id) => results[id]?.ok).length : 0;

  return (
    <section class="failed-page">
      <h1 tabIndex={-1}>Failed mail</h1>
      <p class="muted small">
        A retry sends the request as it was asked again, as a new attempt. Dropped and deferred mail was
        handed to the provider before: its recipients may get it twice.
      </p>
      <SearchForm
        section="failed"
        values={filters}
        statuses={STATUSES}
        anyStatus={false}
        submitLabel="Show"
      />
      <ErrorBox error={list.error} />
      {!listing && list.loading && <p class="muted">Loading…</p>}
      {listing && (
        <>
          <div class="actions-row bulk">
            <label class="check">
              <input
                type="checkbox"
                checked={allChosen}
                disabled={selectable.length === 0}
                onChange={toggleAll}
              />
              Select all {selectable.length} {selectable.length < items.length ? 'not yet retried' : 'shown'}
            </label>
            <span class="muted small">{chosen.length} selected</span>
            <button
              type="button"
              class="primary"
              disabled={Boolean(lacking) || chosen.length === 0 || Boolean(run?.running)}
              aria-describedby={lacking ? 'bulk-why' : undefined}
              onClick={() => setAsking(true)}
            >
              {run?.running ? 'Retrying…' : 'Retry selected'}
            </button>
            <button type="button" onClick={list.reload} disabled={Boolean(run?.running) || list.loading}>
              Reload
            </button>
            {lacking && (
              <span id="bulk-why" class="muted small">
                {lacking} Retrying needs it.
              </span>
            )}
          </div>
          {run && (
            <p class="bulk-progress">
              <progress aria-label="Retries done" value={done} max={run.ids.length} />{' '}
              <span class="count">
                {done} of {run.ids.length}
              </span>
            </p>
          )}
          <div aria-live="polite" class="bulk-results">
            {run && !run.running && (
              <p class={queued === run.ids.length ? 'notice' : 'error'}>
                {queued} of {run.ids.length} queued again
                {queued < run.ids.length && `, ${run.ids.length - queued} refused (see below)`}.
              </p>
            )}
            {run && (
              <ol class="results" aria-label="Retry results">
                {run.ids
                  .filter((id) => results[id])
                  .map((id) => (
                    <ResultLine key={id} id={id} message={byId.get(id)} result={results[id]!} />
                  ))}
              </ol>
            )}
          </div>
          <FailedTable items={items} selected={selected} retried={retried} toggle={toggle} />
          <ErrorBox error={more.error} />
          {listing.nextCursor && (
            <p>
              <span class="muted small">More than {items.length} mails in this window. </span>
              <button type="button" onClick={() => void loadMore()} disabled={more.busy}>
                {more.busy ? 'Loading…' : `Load ${LOAD_AT_MOST} more`}
              </button>
            </p>
          )}
        </>
      )}
      <Confirm
        open={asking}
        title={`Retry ${chosen.length} ${chosen.length === 1 ? 'mail' : 'mails'}?`}
        confirmLabel="Retry"
        onConfirm={() => void retrySelected()}
        onCancel={() => setAsking(false)}
      >
        <p>
          Each is sent again as it was asked, {CONCURRENCY} at a time. A retry the API refuses does not stop
          the others.
        </p>
      </Confirm>
    </section>
  );
}

function ResultLine({ id, message, result }: { id: string; message?: MessageSummary; result: Result }) {
  return (
    <li data-id={id} data-ok={String(result.ok)}>
      <a href={href(`messages/${encodeURIComponent(id)}`)}>{message?.subject || id}</a>{' '}
      {result.ok ? (
        <span>
          queued again as <code>{result.value.retryId}</code>
        </span>
      ) : (
        <span class="refused">
          <strong>{result.error instanceof ApiError ? result.error.code : 'ERROR'}</strong>{' '}
          {result.error instanceof Error ? result.error.message : String(result.error)}
        </span>
      )}
    </li>
  );
}

/** The listed mail with a checkbox each; below 640 px each row is a card (styles.css). */
function FailedTable(props: {
  items: MessageSummary[];
  selected: Set<string>;
  retried(id: string): boolean;
  toggle(id: string): void;
}) {
  if (props.items.length === 0) return <p class="empty">No mail in this status and window.</p>;
  return (
    <table class="list">
      <thead>
        <tr>
          <th scope="col">
            <span class="visually-hidden">Selected</span>
          </th>
          {MESSAGE_COLUMNS.map((name) => (
            <th key={name} scope="col">
              {name}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {props.items.map((m) => (
          <tr key={m.id} data-id={m.id}>
            <td>
              <input
                type="checkbox"
                aria-label={`Select ${m.subject || m.id}`}
                checked={props.selected.has(m.id) && !props.retried(m.id)}
                disabled={props.retried(m.id)}
                onChange={() => props.toggle(m.id)}
              />
            </td>
            <MessageCells
              message={m}
              note={props.retried(m.id) && <span class="muted small"> retried</span>}
            />
          </tr>
        ))}
      </tbody>
    </table>
  );
}
