/** Not built yet. */
export function InboundMailPage(_props: { id: string }) {
  return (
    <section>
      <h1 tabIndex={-1}>Inbound mail</h1>
    </section>
  );
}
