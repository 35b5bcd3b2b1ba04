/** A status as a coloured badge; the colour follows what the status means, the word is always there. */
const TONE: Record<string, string> = {
  delivered: 'good',
  sent: 'good',
  processed: 'good',
  queued: 'busy',
  sending: 'busy',
  received: 'busy',
  deferred: 'warn',
  dropped: 'warn',
  suppressed: 'warn',
  unrouted: 'warn',
  bounced: 'bad',
  complained: 'bad',
  failed: 'bad',
  rejected: 'bad',
  pending: 'busy',
  verified: 'good',
};

export function StatusBadge({ status }: { status: string }) {
  return <span class={`badge badge-${TONE[status] ?? 'neutral'}`}>{status}</span>;
}
