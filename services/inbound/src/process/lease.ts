/**
 * How long `process` holds a mail it claimed (InboundStore.claim). It must outlast one run of the
 * function (timeout 120 s in serverless.yml; Lambda stops a run at its timeout), so a lease can only end
 * on a worker that is gone; the stuck sweep (retry-failed) re-queues mail whose lease ended, and mail
 * recorded but never claimed once it has sat this long.
 */
export const PROCESS_LEASE_MS = 5 * 60_000;
