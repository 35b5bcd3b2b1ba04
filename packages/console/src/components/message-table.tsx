import type { ComponentChildren } from 'preact';
import { formatAddress, formatTime } from '../format';
import { href } from '../router';
import type { MessageSummary } from '../types';
import { StatusBadge } from './status-badge';

/**
 * One message's cells of a list row: status (and `note` under it), recipients, subject with its last
 * error, created. Below 640 px each row becomes a card labelled by `data-label` (styles.css).
 */
export function MessageCells({ message: m, note }: { message: MessageSummary; note?: ComponentChildren }) {
  return (
    <>
      <td data-label="Status">
        <StatusBadge status={m.status} />
        {note}
      </td>
      <td data-label="To" class="addr">
        {m.to.map(formatAddress).join(', ')}
      </td>
      <td data-label="Subject">
        <a href={href(`messages/${encodeURIComponent(m.id)}`)}>{m.subject || '(no subject)'}</a>
        {m.lastError && <div class="muted small">{m.lastError}</div>}
      </td>
      <td data-label="Created">
        <time dateTime={m.createdAt} title={m.createdAt}>
          {formatTime(m.createdAt)}
        </time>
      </td>
    </>
  );
}

/** The headings of `MessageCells`' columns. */
export const MESSAGE_COLUMNS = ['Status', 'To', 'Subject', 'Created'] as const;

/** Messages as a table. */
export function MessageTable({ items }: { items: MessageSummary[] }) {
  if (items.length === 0) return <p class="empty">No mail matches.</p>;
  return (
    <table class="list">
      <thead>
        <tr>
          {MESSAGE_COLUMNS.map((name) => (
            <th key={name} scope="col">
              {name}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {items.map((m) => (
          <tr key={m.id} data-id={m.id}>
            <MessageCells message={m} />
          </tr>
        ))}
      </tbody>
    </table>
  );
}
