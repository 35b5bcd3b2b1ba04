import { formatAddress, formatTime } from '../format';
import { href } from '../router';
import type { MessageSummary } from '../types';
import { StatusBadge } from './status-badge';

/** Messages as a table; below 640 px each row becomes a card (styles.css). */
export function MessageTable({
  items,
  selectable,
}: {
  items: MessageSummary[];
  selectable?: { selected: Set<string>; toggle(id: string): void; toggleAll(): void };
}) {
  if (items.length === 0) return <p class="empty">No mail matches.</p>;
  const allSelected = selectable && items.every((m) => selectable.selected.has(m.id));
  return (
    <table class="list">
      <thead>
        <tr>
          {selectable && (
            <th scope="col">
              <input
                type="checkbox"
                aria-label="Select all"
                checked={allSelected}
                onChange={() => selectable.toggleAll()}
              />
            </th>
          )}
          <th scope="col">Status</th>
          <th scope="col">To</th>
          <th scope="col">Subject</th>
          <th scope="col">Created</th>
        </tr>
      </thead>
      <tbody>
        {items.map((m) => (
          <tr key={m.id} data-id={m.id}>
            {selectable && (
              <td>
                <input
                  type="checkbox"
                  aria-label={`Select ${m.subject}`}
                  checked={selectable.selected.has(m.id)}
                  onChange={() => selectable.toggle(m.id)}
                />
              </td>
            )}
            <td data-label="Status">
              <StatusBadge status={m.status} />
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
          </tr>
        ))}
      </tbody>
    </table>
  );
}
