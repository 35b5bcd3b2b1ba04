import { formatTime } from '../format';
import type { MessageEvent } from '../types';
import { StatusBadge } from './status-badge';

/** What an event's data says, as short "name: value" lines (never as HTML). */
const details = (data: Record<string, unknown>) =>
  Object.entries(data)
    .filter(([, value]) => value !== null && value !== undefined && value !== '')
    .map(([name, value]) => `${name}: ${typeof value === 'object' ? JSON.stringify(value) : String(value)}`);

/** A message's timeline, oldest first: statuses, retries with their errors, opens and clicks. */
export function Timeline({ events }: { events: MessageEvent[] }) {
  if (events.length === 0) return <p class="empty">No events yet.</p>;
  return (
    <ol class="timeline">
      {events.map((event, i) => (
        <li key={`${event.at}-${i}`} data-type={event.type}>
          <time dateTime={event.at} title={event.at}>
            {formatTime(event.at)}
          </time>
          <StatusBadge status={event.type} />
          {event.provider && <span class="muted small">{event.provider}</span>}
          {details(event.data).map((line) => (
            <div key={line} class="small detail">
              {line}
            </div>
          ))}
        </li>
      ))}
    </ol>
  );
}
