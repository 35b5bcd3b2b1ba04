import { ApiError } from '../api';

/** An API or network error, with the API's code so a reader can look it up. */
export function ErrorBox({ error }: { error: unknown }) {
  if (!error) return null;
  const code = error instanceof ApiError ? error.code : 'ERROR';
  const message = error instanceof Error ? error.message : String(error);
  return (
    <p class="error" role="alert">
      <strong>{code}</strong> {message}
    </p>
  );
}
