/** Not built yet. */
export function StatsPage(_props: { query: URLSearchParams }) {
  return (
    <section>
      <h1 tabIndex={-1}>StatsPage</h1>
    </section>
  );
}
