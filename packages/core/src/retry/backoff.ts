/**
 * Exponential backoff with full jitter: sleep = random(0, min(cap, base · 2^attempt)). Spreading retries
 * over the whole window is what keeps concurrent senders from retrying in lockstep after a throttle.
 * https://aws.amazon.com/blogs/architecture/exponential-backoff-and-jitter/
 */
export interface BackoffOptions {
  baseMs: number;
  capMs: number;
  /** Uniform in [0, 1). Injected by tests; Math.random otherwise. */
  random?: () => number;
}

/** The ceiling for `attempt` (0-based: the first retry is attempt 0), before jitter. */
export const backoffCeiling = (
  attempt: number,
  { baseMs, capMs }: Omit<BackoffOptions, 'random'>,
): number => {
  const n = Math.max(0, Math.floor(attempt));
  // 2^n overflows to Infinity for large n; min() with the cap keeps that harmless.
  return Math.min(capMs, baseMs * 2 ** n);
};

/** Milliseconds to wait before retry number `attempt` (0-based), in [0, ceiling]. */
export const backoffDelay = (attempt: number, options: BackoffOptions): number => {
  const random = options.random ?? Math.random;
  const r = Math.min(Math.max(random(), 0), 1);
  return Math.round(r * backoffCeiling(attempt, options));
};

/** ChangeMessageVisibility accepts 0–43,200 s (12 hours).
 * https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_ChangeMessageVisibility.html */
export const MAX_VISIBILITY_TIMEOUT_SECONDS = 43_200;

export interface BackoffSecondsOptions {
  baseSeconds: number;
  capSeconds: number;
  /** Lower bound, e.g. 1 so a retried record is not received again at once. Default 0. */
  minSeconds?: number;
  random?: () => number;
}

/**
 * Whole seconds for SQS visibility. `attempt` is usually ApproximateReceiveCount − 1. Clamped to SQS's
 * 12-hour maximum whatever the cap says.
 */
export const backoffSeconds = (attempt: number, options: BackoffSecondsOptions): number => {
  const cap = Math.min(options.capSeconds, MAX_VISIBILITY_TIMEOUT_SECONDS);
  const delay = backoffDelay(attempt, {
    baseMs: options.baseSeconds * 1000,
    capMs: cap * 1000,
    ...(options.random ? { random: options.random } : {}),
  });
  return Math.min(cap, Math.max(options.minSeconds ?? 0, Math.ceil(delay / 1000)));
};
