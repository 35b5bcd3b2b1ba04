import { isoToLocalInput, localInputToIso } from '../format';
import { navigate } from '../router';

export interface SearchValues {
  recipient?: string;
  status?: string;
  since?: string;
  until?: string;
}

/** A list page's filters as its route's query says them. */
export const searchValues = (query: URLSearchParams): SearchValues => ({
  recipient: query.get('recipient') ?? undefined,
  status: query.get('status') ?? undefined,
  since: query.get('since') ?? undefined,
  until: query.get('until') ?? undefined,
});

/**
 * A list page's search: recipient (when `recipientPlaceholder` is given), status, since and until. It
 * navigates to the page's route with the new query, so a search is a link that can be shared and the
 * back button goes to the search before.
 */
export function SearchForm(props: {
  section: string;
  values: SearchValues;
  statuses: readonly string[];
  /** Offer "any" status (default); without it, the first status is the default. */
  anyStatus?: boolean;
  recipientPlaceholder?: string;
  submitLabel?: string;
}) {
  const { values, anyStatus = true } = props;
  return (
    <form
      class="filters"
      role="search"
      onSubmit={(e) => {
        e.preventDefault();
        const data = new FormData(e.currentTarget);
        const text = (name: string) => String(data.get(name) ?? '').trim() || undefined;
        navigate(props.section, {
          recipient: text('recipient'),
          status: text('status'),
          since: localInputToIso(text('since') ?? ''),
          until: localInputToIso(text('until') ?? ''),
        });
      }}
    >
      {props.recipientPlaceholder && (
        <label>
          Recipient
          <input
            name="recipient"
            type="email"
            value={values.recipient ?? ''}
            placeholder={props.recipientPlaceholder}
          />
        </label>
      )}
      <label>
        Status
        <select name="status" value={values.status ?? ''}>
          {anyStatus && <option value="">any</option>}
          {props.statuses.map((s) => (
            <option key={s} value={s}>
              {s}
            </option>
          ))}
        </select>
      </label>
      <label>
        Since
        <input name="since" type="datetime-local" value={isoToLocalInput(values.since)} />
      </label>
      <label>
        Until
        <input name="until" type="datetime-local" value={isoToLocalInput(values.until)} />
      </label>
      <button type="submit" class="primary">
        {props.submitLabel ?? 'Search'}
      </button>
    </form>
  );
}
