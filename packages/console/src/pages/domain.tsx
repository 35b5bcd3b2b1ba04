import { useState } from 'preact/hooks';
import { ApiError } from '../api';
import { Confirm } from '../components/confirm';
import { CopyButton } from '../components/copy-button';
import { ErrorBox } from '../components/error-box';
import { StatusBadge } from '../components/status-badge';
import { useInterval, useLoad } from '../components/use-load';
import { formatTime } from '../format';
import { href, navigate } from '../router';
import { useSession } from '../session';

/** A sending domain as the outbound service answers it (docs/api.md, Domain). */
export interface Domain {
  domain: string;
  status: 'pending' | 'verified' | 'failed';
  dkimStatus: string | null;
  mailFrom: string | null;
  mailFromStatus: string | null;
  records: { type: 'CNAME' | 'MX' | 'TXT'; name: string; value: string }[];
  createdAt: string;
  checkedAt: string | null;
}

/**
 * While SES has not verified the domain, the page asks again this often. Each GET reads the status
 * from SES (GetEmailIdentity), so not much more often than this.
 */
const REFRESH_MS = 5000;

// The list says what was just deleted: the route carries only the section, so the name waits here.
let deleted: string | null = null;
export const takeDeleted = (): string | null => {
  const name = deleted;
  deleted = null;
  return name;
};

/** SES's DKIM and MAIL FROM statuses (success, pending, failed, temporary_failure, not_started) as a badge. */
function SesStatus({ status }: { status: string | null }) {
  if (!status) return <span class="muted">—</span>;
  const word = status.toLowerCase();
  const tone = word === 'success' ? 'good' : word === 'pending' || word === 'not_started' ? 'busy' : 'bad';
  return <span class={`badge badge-${tone}`}>{word.replace(/_/g, ' ')}</span>;
}

/** One domain: its status (refreshed from SES), the DNS records to publish with Copy buttons, Delete. */
export function DomainPage({ domain }: { domain: string }) {
  const { api } = useSession();
  const path = `/v1/domains/${encodeURIComponent(domain)}`;
  const found = useLoad(() => api.get<Domain>(path), [domain]);
  const [asking, setAsking] = useState(false);
  const [removal, setRemoval] = useState<{ busy: boolean; error: unknown }>({ busy: false, error: null });
  const d = found.value;
  useInterval(found.reload, REFRESH_MS, d?.status === 'pending' && !found.loading);

  const remove = async () => {
    setAsking(false);
    setRemoval({ busy: true, error: null });
    try {
      await api.del(path);
      deleted = domain;
      navigate('domains');
    } catch (error) {
      setRemoval({ busy: false, error });
    }
  };

  if (!d) {
    return (
      <section>
        <p class="crumbs">
          <a href={href('domains')}>Domains</a> /
        </p>
        <h1 tabIndex={-1}>{domain}</h1>
        {found.error instanceof ApiError && found.error.status === 404 ? (
          <p class="error" role="alert">
            No sending domain {domain} for this tenant.
          </p>
        ) : (
          <ErrorBox error={found.error} />
        )}
        {found.loading && <p class="muted">Loading…</p>}
      </section>
    );
  }

  return (
    <section>
      <p class="crumbs">
        <a href={href('domains')}>Domains</a> /
      </p>
      <h1 tabIndex={-1}>{d.domain}</h1>
      <p class="domain-status">
        <StatusBadge status={d.status} />
        {d.status === 'pending' && (
          <span class="muted small" aria-live="polite">
            {' '}
            Waiting for SES to see the DNS records: checking every {REFRESH_MS / 1000} s.
          </span>
        )}
      </p>
      <div class="actions-row">
        <button type="button" onClick={found.reload} disabled={found.loading}>
          {found.loading ? 'Checking…' : 'Check again'}
        </button>
        <button type="button" class="danger" onClick={() => setAsking(true)} disabled={removal.busy}>
          {removal.busy ? 'Deleting…' : 'Delete'}
        </button>
      </div>
      <ErrorBox error={found.error} />
      <ErrorBox error={removal.error} />
      <Confirm
        open={asking}
        title={`Delete ${d.domain}?`}
        confirmLabel="Delete"
        onConfirm={() => void remove()}
        onCancel={() => setAsking(false)}
      >
        <p>
          Its SES identity goes too: mail from this domain is refused until it is added and verified again.
        </p>
      </Confirm>

      <dl class="fields">
        <dt>Verification</dt>
        <dd>
          <StatusBadge status={d.status} />
        </dd>
        <dt>DKIM</dt>
        <dd data-field="dkim">
          <SesStatus status={d.dkimStatus} />
        </dd>
        <dt>MAIL FROM domain</dt>
        <dd class="addr">{d.mailFrom ?? '— (SES’s own, amazonses.com)'}</dd>
        {d.mailFrom && (
          <>
            <dt>MAIL FROM status</dt>
            <dd data-field="mail-from">
              <SesStatus status={d.mailFromStatus} />
            </dd>
          </>
        )}
        <dt>Added</dt>
        <dd>
          <time dateTime={d.createdAt} title={d.createdAt}>
            {formatTime(d.createdAt)}
          </time>
        </dd>
        <dt>Last checked with SES</dt>
        <dd data-field="checked">
          {d.checkedAt ? (
            <time dateTime={d.checkedAt} title={d.checkedAt}>
              {formatTime(d.checkedAt)}
            </time>
          ) : (
            'never'
          )}
        </dd>
      </dl>

      <h2>DNS records to publish</h2>
      <p class="muted small">
        Add these at your DNS host. TXT values are shown without quotes; some hosts want them in quotes.
      </p>
      <table class="list records">
        <thead>
          <tr>
            <th scope="col">Type</th>
            <th scope="col">Name</th>
            <th scope="col">Value</th>
          </tr>
        </thead>
        <tbody>
          {d.records.map((r, i) => (
            <tr key={`${r.type}-${r.name}-${r.value}`} data-type={r.type}>
              <td data-label="Type">{r.type}</td>
              <td data-label="Name">
                <code id={`record-${i}-name`}>{r.name}</code>
                <CopyButton
                  text={r.name}
                  label={`Copy name of ${r.type} record ${i + 1}`}
                  target={() => document.getElementById(`record-${i}-name`)}
                />
              </td>
              <td data-label="Value">
                <code id={`record-${i}-value`}>{r.value}</code>
                <CopyButton
                  text={r.value}
                  label={`Copy value of ${r.type} record ${i + 1}`}
                  target={() => document.getElementById(`record-${i}-value`)}
                />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
