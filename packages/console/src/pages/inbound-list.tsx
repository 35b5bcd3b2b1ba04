/** Not built yet. */
export function InboundListPage(_props: { query: URLSearchParams }) {
  return (
    <section>
      <h1 tabIndex={-1}>InboundListPage</h1>
    </section>
  );
}
