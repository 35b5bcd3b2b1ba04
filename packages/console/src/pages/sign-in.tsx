import { useEffect, useState } from 'preact/hooks';
import { fetchMe, type Me } from '../api';
import { ErrorBox } from '../components/error-box';
import { forgetKey, storeKey } from '../session';

/** Sign-in with an API key of scope `read`; a key kept from earlier in this tab is tried first. */
export function SignIn({
  initialKey,
  onSignedIn,
}: {
  initialKey: string | null;
  onSignedIn(key: string, me: Me): void;
}) {
  const [key, setKey] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(Boolean(initialKey));

  const tryKey = async (candidate: string, remembered: boolean) => {
    setBusy(true);
    setError(null);
    try {
      const me = await fetchMe(candidate);
      storeKey(candidate);
      onSignedIn(candidate, me);
    } catch (err) {
      if (remembered) forgetKey();
      else setError(err);
      setBusy(false);
    }
  };

  useEffect(() => {
    if (initialKey) void tryKey(initialKey, true);
  }, []);

  return (
    <main class="sign-in">
      <form
        onSubmit={(e) => {
          e.preventDefault();
          if (key.trim()) void tryKey(key.trim(), false);
        }}
      >
        <h1>Mailroom console</h1>
        <p>
          Sign in with an API key that has the <code>read</code> scope. It is kept in this tab only.
        </p>
        <label for="api-key">API key</label>
        <input
          id="api-key"
          type="password"
          autocomplete="off"
          spellcheck={false}
          value={key}
          onInput={(e) => setKey(e.currentTarget.value)}
          required
        />
        <button type="submit" class="primary" disabled={busy}>
          {busy ? 'Signing in…' : 'Sign in'}
        </button>
        <ErrorBox error={error} />
      </form>
    </main>
  );
}
