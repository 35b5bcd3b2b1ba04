import { Fragment } from 'preact';
import { ApiError } from '../api';
import { ErrorBox } from '../components/error-box';
import { MailPreview } from '../components/mail-preview';
import { RetryAction } from '../components/retry-action';
import { StatusBadge } from '../components/status-badge';
import { useInterval, useLoad } from '../components/use-load';
import { VerdictBadges } from '../components/verdict-badges';
import { formatBytes, formatTime } from '../format';
import { INBOUND_IN_FLIGHT, INBOUND_RETRYABLE, type Dsn, type InboundMail } from '../inbound';
import { href } from '../router';
import { useSession } from '../session';
import './inbound.css';

const REFRESH_MS = 2000;

const DSN_FIELDS: [keyof Dsn, string][] = [
  ['action', 'Action'],
  ['status', 'Status code'],
  ['diagnosticCode', 'Diagnostic code'],
  ['finalRecipient', 'Final recipient'],
  ['originalMessageId', 'Original Message-ID'],
];

/**
 * One received mail: its parsed headers, SES's verdicts, the text body, the HTML in a sandboxed preview,
 * attachment downloads, and a retry when its processing failed.
 */
export function InboundMailPage({ id }: { id: string }) {
  const { api } = useSession();
  const mail = useLoad(() => api.get<InboundMail>(`/v1/inbound/${encodeURIComponent(id)}`), [id]);
  const m = mail.value;
  useInterval(mail.reload, REFRESH_MS, Boolean(m && INBOUND_IN_FLIGHT.has(m.status)));

  if (!m) {
    return (
      <section>
        <p class="crumbs">
          <a href={href('inbound')}>Inbound</a> /
        </p>
        <h1 tabIndex={-1}>Inbound mail</h1>
        {mail.error instanceof ApiError && mail.error.status === 404 ? (
          <p class="error" role="alert">
            No inbound mail {id} for this tenant.
          </p>
        ) : (
          <ErrorBox error={mail.error} />
        )}
        {mail.loading && <p class="muted">Loading…</p>}
      </section>
    );
  }

  const dsn = m.dsn;
  return (
    <section class="inbound-mail">
      <p class="crumbs">
        <a href={href('inbound')}>Inbound</a> /
      </p>
      <h1 tabIndex={-1}>{m.subject || '(no subject)'}</h1>
      <p>
        <StatusBadge status={m.status} />
        {INBOUND_IN_FLIGHT.has(m.status) && <span class="muted small"> refreshing…</span>}
      </p>
      <RetryAction<unknown>
        show={INBOUND_RETRYABLE.has(m.status)}
        path={`/v1/inbound/${encodeURIComponent(id)}/retry`}
        title="Process this mail again?"
        done={() => 'Queued for processing again; the status above follows it.'}
        after={mail.reload}
      >
        <p>
          The mail is parsed again from the message as it arrived and delivered to its route's destination. A
          destination that already got it may get it twice.
        </p>
      </RetryAction>

      <h2>Parsed headers</h2>
      <dl class="fields headers">
        <dt>From</dt>
        <dd>{m.from ?? '—'}</dd>
        <dt>To</dt>
        <dd>{m.to.length ? m.to.join(', ') : '—'}</dd>
        <dt>Subject</dt>
        <dd>{m.subject ?? '—'}</dd>
        <dt>Received</dt>
        <dd>
          <time dateTime={m.receivedAt} title={m.receivedAt}>
            {formatTime(m.receivedAt)}
          </time>
        </dd>
        <dt>Route</dt>
        <dd>{m.route ? <code>{m.route}</code> : '—'}</dd>
        <dt>Sent mail</dt>
        <dd>
          {m.linkedMessageId ? (
            <a href={href(`messages/${encodeURIComponent(m.linkedMessageId)}`)} class="linked-message">
              <code>{m.linkedMessageId}</code>
            </a>
          ) : (
            '—'
          )}
        </dd>
        <dt>Id</dt>
        <dd>
          <code>{m.id}</code>
        </dd>
      </dl>

      {dsn && (
        <>
          <h2>Delivery report</h2>
          <dl class="fields dsn">
            {DSN_FIELDS.map(([field, label]) => (
              <Fragment key={field}>
                <dt>{label}</dt>
                <dd>{dsn[field] ?? '—'}</dd>
              </Fragment>
            ))}
          </dl>
        </>
      )}

      <h2>Verdicts</h2>
      <VerdictBadges verdicts={m.verdicts} />

      {m.bodiesUrl && (
        <p class="notice">
          The bodies are too large to show here.{' '}
          <a href={m.bodiesUrl} download="message.json" rel="noopener noreferrer">
            Download them (JSON)
          </a>
          ; the link works for a short while.
        </p>
      )}

      <h2>Text</h2>
      {m.text ? <pre class="mail-text">{m.text}</pre> : <p class="empty">No text body.</p>}

      <h2>HTML preview</h2>
      {m.html ? (
        <>
          <p class="muted small">
            Shown without scripts, without the mail's styles, and without anything from elsewhere (images,
            fonts, frames): nothing here tells the sender it was opened.
          </p>
          <MailPreview key={m.id} html={m.html} title={`HTML of ${m.subject || 'the mail'}`} />
        </>
      ) : (
        <p class="empty">No HTML body.</p>
      )}

      <h2>Attachments</h2>
      {m.attachments.length === 0 ? (
        <p class="empty">No attachments.</p>
      ) : (
        <>
          <table class="list attachments">
            <thead>
              <tr>
                <th scope="col">File</th>
                <th scope="col">Type</th>
                <th scope="col" class="num">
                  Size
                </th>
              </tr>
            </thead>
            <tbody>
              {m.attachments.map((a, i) => (
                <tr key={`${i}-${a.filename}`}>
                  <td data-label="File" class="addr">
                    <a href={a.url} download={a.filename} rel="noopener noreferrer">
                      {a.filename}
                    </a>
                  </td>
                  <td data-label="Type" class="addr">
                    {a.contentType}
                  </td>
                  <td data-label="Size" class="num">
                    {formatBytes(a.size)}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          <p class="muted small">Download links work for a short while; reload the page for fresh ones.</p>
        </>
      )}
    </section>
  );
}
