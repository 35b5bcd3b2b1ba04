import { ErrorBox } from '../components/error-box';
import { StatsChart, type Bucket } from '../components/stats-chart';
import { useLoad } from '../components/use-load';
import { formatPercent, isoToLocalInput, localInputToIso } from '../format';
import { navigate } from '../router';
import { useSession } from '../session';
import { rates, totals, type Counts, type Rate, type RateState } from '../stats/rates';
import { SERIES } from '../stats/series';
import './stats.css';

type Interval = 'hour' | 'day';

const hourFormat = new Intl.DateTimeFormat(undefined, {
  month: 'short',
  day: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
});
const dayFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium' });

/** A bucket's start as the reader's locale shows it: a date and hour, or a date. */
const bucketLabel = (iso: string, interval: Interval) =>
  (interval === 'hour' ? hourFormat : dayFormat).format(new Date(iso));

const STATE_TEXT: Record<RateState, { text: string; tone: string }> = {
  ok: { text: 'OK', tone: 'good' },
  warning: { text: 'Warning: under review', tone: 'warn' },
  'at-risk': { text: 'At risk', tone: 'bad' },
  'no-mail': { text: 'No mail sent', tone: 'neutral' },
};

/**
 * Sent, delivered, bounced, complained, opened and clicked mail per hour or day (GET /v1/stats): a
 * chart, the window's bounce and complaint rates against SES's thresholds, and a table of the numbers.
 * Hours by default, the last day of them, as the API answers without since and until.
 */
export function StatsPage({ query }: { query: URLSearchParams }) {
  const { api } = useSession();
  const interval: Interval = query.get('interval') === 'day' ? 'day' : 'hour';
  const since = query.get('since') ?? undefined;
  const until = query.get('until') ?? undefined;
  const stats = useLoad(
    () => api.get<{ buckets: Bucket[] }>('/v1/stats', { interval, since, until }),
    [interval, since, until],
  );
  const buckets = stats.value?.buckets;
  const sum = buckets && totals(buckets);

  return (
    <section>
      <h1 tabIndex={-1}>Stats</h1>
      <form
        class="filters"
        onSubmit={(e) => {
          e.preventDefault();
          const data = new FormData(e.currentTarget);
          const text = (name: string) => String(data.get(name) ?? '').trim();
          navigate('stats', {
            interval: text('interval'),
            since: localInputToIso(text('since')),
            until: localInputToIso(text('until')),
          });
        }}
      >
        <label>
          Per
          <select name="interval" value={interval}>
            <option value="hour">hour (a week at most)</option>
            <option value="day">day (92 days at most)</option>
          </select>
        </label>
        <label>
          Since
          <input name="since" type="datetime-local" value={isoToLocalInput(since)} />
        </label>
        <label>
          Until
          <input name="until" type="datetime-local" value={isoToLocalInput(until)} />
        </label>
        <button type="submit" class="primary">
          Show
        </button>
        <button type="button" onClick={stats.reload} disabled={stats.loading}>
          Refresh
        </button>
      </form>
      <ErrorBox error={stats.error} />
      {!buckets && stats.loading && <p class="muted">Loading…</p>}
      {buckets && sum && (
        <>
          <p class="muted small">
            {buckets.length} {interval === 'hour' ? 'hours' : 'days'}
            {buckets[0] && ` from ${bucketLabel(buckets[0].start, interval)}`}
            {!since && !until && (interval === 'hour' ? ', the last day' : ', the last 30 days')}.
          </p>
          {/* A new chart when its axes change (another interval, or points on or off); new numbers alone are set in place. */}
          <StatsChart key={`${interval}-${buckets.length}`} buckets={buckets} interval={interval} />

          <h2>Bounce and complaint rates</h2>
          <div class="rates">
            <RateCard
              id="bounce"
              name="Bounce rate"
              what="bounced"
              rate={rates(sum).bounce}
              thresholds="SES puts an account under review at 5 % and may pause its sending at 10 %."
            />
            <RateCard
              id="complaint"
              name="Complaint rate"
              what="complained"
              rate={rates(sum).complaint}
              thresholds="SES puts an account under review at 0.1 % and may pause its sending at 0.5 %."
            />
          </div>
          <p class="muted small">
            Both rates are over the mail sent in this window (what the provider accepted: SES computes its
            rates over delivery attempts). SES weighs a representative volume over time, so over a few mails a
            rate is a hint, not SES’s own figure.
          </p>

          <h2>Numbers</h2>
          <StatsTable buckets={buckets} sum={sum} interval={interval} />
        </>
      )}
    </section>
  );
}

function RateCard(props: { id: string; name: string; what: string; rate: Rate; thresholds: string }) {
  const { rate } = props;
  const state = STATE_TEXT[rate.state];
  return (
    <div class="rate-card" data-rate={props.id} data-state={rate.state}>
      <h3>{props.name}</h3>
      <p class="rate-figure">
        {rate.ratio === null ? '—' : formatPercent(rate.ratio)}{' '}
        <span class={`badge badge-${state.tone}`}>{state.text}</span>
      </p>
      <p class="small">
        {rate.count} {props.what} of {rate.of} sent.
      </p>
      <p class="small muted">
        {props.thresholds} Warning from {formatPercent(rate.warning)}, at risk from{' '}
        {formatPercent(rate.atRisk)}.
      </p>
    </div>
  );
}

/** The chart's numbers for keyboard and screen-reader users; on a phone each bucket becomes a card. */
function StatsTable({ buckets, sum, interval }: { buckets: Bucket[]; sum: Counts; interval: Interval }) {
  return (
    <table class="list stats-table">
      <caption class="muted small">
        Mail per {interval}, oldest first; the last row is the window’s total.
      </caption>
      <thead>
        <tr>
          <th scope="col">{interval === 'hour' ? 'Hour' : 'Day'}</th>
          {SERIES.map((s) => (
            <th key={s.key} scope="col" class="num">
              {s.label}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {buckets.map((b) => (
          <tr key={b.start} data-start={b.start}>
            <th scope="row" data-label={interval === 'hour' ? 'Hour' : 'Day'}>
              <time dateTime={b.start} title={b.start}>
                {bucketLabel(b.start, interval)}
              </time>
            </th>
            {SERIES.map((s) => (
              <td key={s.key} class="num" data-label={s.label} data-counter={s.key}>
                {b[s.key]}
              </td>
            ))}
          </tr>
        ))}
      </tbody>
      <tfoot>
        <tr data-total="">
          <th scope="row">Total</th>
          {SERIES.map((s) => (
            <td key={s.key} class="num" data-label={s.label} data-counter={s.key}>
              {sum[s.key]}
            </td>
          ))}
        </tr>
      </tfoot>
    </table>
  );
}
