import { useState } from 'preact/hooks';
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
 * back button goes to the search before. The fields keep what is typed in them while the page behind
 * re-renders (a live refresh); a new route gives a new form (`key`), filled from the new query.
 */
export function SearchForm(props: SearchFormProps) {
  return <Fields key={JSON.stringify(props.values)} {...props} />;
}

interface SearchFormProps {
  section: string;
  values: SearchValues;
  statuses: readonly string[];
  /** Offer "any" status (default); without it, the first status is the default. */
  anyStatus?: boolean;
  recipientPlaceholder?: string;
  submitLabel?: string;
}

function Fields(props: SearchFormProps) {
  const { anyStatus = true } = props;
  const [values, setValues] = useState({
    recipient: props.values.recipient ?? '',
    status: props.values.status ?? '',
    since: isoToLocalInput(props.values.since),
    until: isoToLocalInput(props.values.until),
  });
  const field = (name: keyof typeof values) => ({
    name,
    value: values[name],
    onInput: (e: { currentTarget: { value: string } }) =>
      setValues((current) => ({ ...current, [name]: e.currentTarget.value })),
  });
  return (
    <form
      class="filters"
      role="search"
      onSubmit={(e) => {
        e.preventDefault();
        const text = (value: string) => value.trim() || undefined;
        navigate(props.section, {
          recipient: text(values.recipient),
          status: text(values.status),
          since: localInputToIso(values.since),
          until: localInputToIso(values.until),
        });
      }}
    >
      {props.recipientPlaceholder && (
        <label>
          Recipient
          <input type="email" placeholder={props.recipientPlaceholder} {...field('recipient')} />
        </label>
      )}
      <label>
        Status
        <select {...field('status')} onChange={field('status').onInput}>
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
        <input type="datetime-local" {...field('since')} />
      </label>
      <label>
        Until
        <input type="datetime-local" {...field('until')} />
      </label>
      <button type="submit" class="primary">
        {props.submitLabel ?? 'Search'}
      </button>
    </form>
  );
}
