/** Not built yet. */
export function DomainsPage(_props: { domain?: string }) {
  return (
    <section>
      <h1 tabIndex={-1}>Domains</h1>
    </section>
  );
}
