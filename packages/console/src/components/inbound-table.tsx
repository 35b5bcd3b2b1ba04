import { formatTime } from '../format';
import type { InboundSummary } from '../inbound';
import { href } from '../router';
import { StatusBadge } from './status-badge';

/** Received mail as a table; below 640 px each row becomes a card (styles.css). */
export function InboundTable({ items }: { items: InboundSummary[] }) {
  if (items.length === 0) return <p class="empty">No mail matches.</p>;
  return (
    <table class="list inbound-list">
      <thead>
        <tr>
          <th scope="col">Status</th>
          <th scope="col">From</th>
          <th scope="col">Subject</th>
          <th scope="col">Received</th>
          <th scope="col" class="num">
            Attachments
          </th>
        </tr>
      </thead>
      <tbody>
        {items.map((m) => (
          <tr key={m.id} data-id={m.id}>
            <td data-label="Status">
              <StatusBadge status={m.status} />
            </td>
            <td data-label="From" class="addr">
              {m.from ?? '—'}
            </td>
            <td data-label="Subject">
              <a href={href(`inbound/${encodeURIComponent(m.id)}`)}>{m.subject || '(no subject)'}</a>
              {m.dsn && (
                <div class="muted small">delivery report{m.dsn.action ? `: ${m.dsn.action}` : ''}</div>
              )}
            </td>
            <td data-label="Received">
              <time dateTime={m.receivedAt} title={m.receivedAt}>
                {formatTime(m.receivedAt)}
              </time>
            </td>
            <td data-label="Attachments" class="num">
              {m.attachments.length}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
