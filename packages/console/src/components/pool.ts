/**
 * Runs `work` over `items`, at most `limit` at a time, and reports each outcome as it lands. One item
 * failing does not stop the others: its error is its outcome. A bulk action in the console uses it so
 * that a hundred retries do not become a hundred requests at once against the API's rate limit.
 */
export type Outcome<R> = { ok: true; value: R } | { ok: false; error: unknown };

export async function runPool<T, R>(
  items: readonly T[],
  limit: number,
  work: (item: T) => Promise<R>,
  onOutcome: (item: T, outcome: Outcome<R>) => void,
): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const item = items[next++] as T;
      let outcome: Outcome<R>;
      try {
        outcome = { ok: true, value: await work(item) };
      } catch (error) {
        outcome = { ok: false, error };
      }
      onOutcome(item, outcome);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}
