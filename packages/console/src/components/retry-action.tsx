import type { ComponentChildren } from 'preact';
import { useState } from 'preact/hooks';
import { missingScope, useSession } from '../session';
import { Confirm } from './confirm';
import { ErrorBox } from './error-box';

/**
 * Retry of one mail: the button (disabled, with the reason, for a key without `send`), a confirmation,
 * then what came of it. `after` runs once the API answered, either way (the page reads the mail again:
 * a refusal usually means it moved on, e.g. another tab retried it).
 */
export function RetryAction<T>(props: {
  show: boolean;
  path: string;
  title: string;
  /** What the confirmation says will happen. */
  children: ComponentChildren;
  /** What to say once the API took the retry. */
  done(answer: T): ComponentChildren;
  after(): void;
}) {
  const { api, me } = useSession();
  const [asking, setAsking] = useState(false);
  const [state, setState] = useState<{ busy: boolean; error: unknown; answer?: T }>({
    busy: false,
    error: null,
  });

  const retry = async () => {
    setAsking(false);
    setState({ busy: true, error: null });
    try {
      setState({ busy: false, error: null, answer: await api.post<T>(props.path) });
    } catch (error) {
      setState({ busy: false, error });
    }
    props.after();
  };

  const lacking = missingScope(me, 'send');
  return (
    <>
      {props.show && (
        <div class="actions-row">
          <button
            type="button"
            class="primary"
            disabled={Boolean(lacking) || state.busy}
            aria-describedby={lacking ? 'retry-why' : undefined}
            onClick={() => setAsking(true)}
          >
            {state.busy ? 'Retrying…' : 'Retry'}
          </button>
          {lacking && (
            <span id="retry-why" class="muted small">
              {lacking} Retrying needs it.
            </span>
          )}
        </div>
      )}
      {state.answer !== undefined && (
        <p class="notice" role="status">
          {props.done(state.answer)}
        </p>
      )}
      <ErrorBox error={state.error} />
      <Confirm
        open={asking}
        title={props.title}
        confirmLabel="Retry"
        onConfirm={() => void retry()}
        onCancel={() => setAsking(false)}
      >
        {props.children}
      </Confirm>
    </>
  );
}
