/** A single write's condition failed. */
export const isConditionFailure = (err: unknown): boolean =>
  err instanceof Error && err.name === 'ConditionalCheckFailedException';

/**
 * TransactWriteItems reports which item's condition failed in CancellationReasons, one code per
 * action; undefined when `err` is not a cancelled transaction.
 */
export const cancellationCodes = (err: unknown): (string | undefined)[] | undefined => {
  if (!(err instanceof Error) || err.name !== 'TransactionCanceledException') return undefined;
  const reasons = (err as { CancellationReasons?: { Code?: string }[] }).CancellationReasons ?? [];
  return reasons.map((r) => r.Code);
};
