import { ApiError } from '../api';
import { ErrorBox } from '../components/error-box';
import { RetryAction } from '../components/retry-action';
import { StatusBadge } from '../components/status-badge';
import { Timeline } from '../components/timeline';
import { useInterval, useLoad } from '../components/use-load';
import { formatAddress, formatTime } from '../format';
import { href } from '../router';
import { useSession } from '../session';
import { IN_FLIGHT, RETRYABLE, type Message } from '../types';

const REFRESH_MS = 2000;

/** Everything about one sent mail: its fields, provider ids, timeline, and a retry when it failed. */
export function MessagePage({ id }: { id: string }) {
  const { api } = useSession();
  const message = useLoad(() => api.get<Message>(`/v1/messages/${encodeURIComponent(id)}`), [id]);
  const m = message.value;
  useInterval(message.reload, REFRESH_MS, Boolean(m && IN_FLIGHT.has(m.status)));

  if (!m) {
    return (
      <section>
        {/* The same elements as the loaded page, so the heading keeps focus when the mail arrives. */}
        <p class="crumbs">
          <a href={href('messages')}>Messages</a> /
        </p>
        <h1 tabIndex={-1}>Message</h1>
        {message.error instanceof ApiError && message.error.status === 404 ? (
          <p class="error" role="alert">
            No message {id} for this tenant.
          </p>
        ) : (
          <ErrorBox error={message.error} />
        )}
        {message.loading && <p class="muted">Loading…</p>}
      </section>
    );
  }

  return (
    <section>
      <p class="crumbs">
        <a href={href('messages')}>Messages</a> /
      </p>
      <h1 tabIndex={-1}>{m.subject || '(no subject)'}</h1>
      <p>
        <StatusBadge status={m.status} />
        {IN_FLIGHT.has(m.status) && <span class="muted small"> refreshing…</span>}
      </p>
      {m.lastError && (
        <p class="error" role="status">
          {m.lastError}
        </p>
      )}
      <RetryAction<{ retryId: string }>
        show={RETRYABLE.has(m.status)}
        path={`/v1/messages/${encodeURIComponent(id)}/retry`}
        title="Retry this mail?"
        done={(answer) => (
          <>
            Queued again as attempt <code>{answer.retryId}</code>; the timeline shows it as it goes.
          </>
        )}
        after={message.reload}
      >
        <p>
          The request as it was asked is sent again to {m.to.map(formatAddress).join(', ')}. Recipients who
          already got it may get it twice.
        </p>
      </RetryAction>

      <dl class="fields">
        <dt>Id</dt>
        <dd>
          <code>{m.id}</code>
        </dd>
        <dt>From</dt>
        <dd>{formatAddress(m.from)}</dd>
        <dt>To</dt>
        <dd>{m.to.map(formatAddress).join(', ')}</dd>
        <dt>Created</dt>
        <dd>
          <time dateTime={m.createdAt} title={m.createdAt}>
            {formatTime(m.createdAt)}
          </time>
        </dd>
        <dt>Updated</dt>
        <dd>
          <time dateTime={m.updatedAt} title={m.updatedAt}>
            {formatTime(m.updatedAt)}
          </time>
        </dd>
        <dt>Provider</dt>
        <dd>{m.provider ?? '—'}</dd>
        <dt>Provider message id</dt>
        <dd>{m.providerMessageId ? <code>{m.providerMessageId}</code> : '—'}</dd>
        <dt>Attempts</dt>
        <dd>{m.attempts}</dd>
        <dt>Tenant</dt>
        <dd>{m.tenantId}</dd>
      </dl>

      <h2>Timeline</h2>
      <Timeline events={m.events} />
    </section>
  );
}
