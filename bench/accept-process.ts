/**
 * Child process entry: one tenant's burst of `POST /v1/messages`, accepted through `acceptMessage` with
 * deps of its own, in a process of its own — as the burst's requests would run on Lambda containers of
 * their own, not on the event loop of the consumers that send B's mail. Controlled over IPC by
 * `startAcceptProcess` (harness-like, in tenant-fairness.ts).
 */
import type { SendMailRequest } from '@mailroom/core';
import { acceptMessage } from '../services/outbound/src/accept-message';
import type { OutboundConfig } from '../services/outbound/src/config';
import { createHttpDeps } from '../services/outbound/src/wiring';

export interface BurstRequest {
  config: OutboundConfig;
  tenantId: string;
  domain: string;
  count: number;
  concurrency: number;
  tag: string;
  /** Without tenant shares (the baseline). */
  noShares: boolean;
}

process.on('message', (request: BurstRequest) => {
  void (async () => {
    const http = createHttpDeps(request.config);
    const accept = request.noShares ? { ...http.accept, tenantShare: undefined } : http.accept;
    const started = Date.now();
    let next = 0;
    let refused = 0;
    await Promise.all(
      Array.from({ length: request.concurrency }, async () => {
        while (next < request.count) {
          const i = (next += 1);
          const mail: SendMailRequest = {
            from: `app@${request.domain}`,
            to: [`someone-${request.tag}-${i}@example.com`],
            subject: `${request.tag}-${i}`,
            text: 'Hello',
          };
          await acceptMessage({ tenantId: request.tenantId, request: mail }, accept).catch(() => {
            refused += 1;
          });
        }
      }),
    );
    process.send?.({ done: true, seconds: (Date.now() - started) / 1000, refused });
  })();
});
process.on('disconnect', () => process.exit(0));
process.send?.({ ready: true });
