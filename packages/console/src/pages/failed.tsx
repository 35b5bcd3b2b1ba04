/** Not built yet. */
export function FailedPage(_props: { query: URLSearchParams }) {
  return (
    <section>
      <h1 tabIndex={-1}>FailedPage</h1>
    </section>
  );
}
