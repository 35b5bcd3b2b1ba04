import type { DeadLetterQueue, DlqName, MessageStore } from '@mailroom/core';

/** What the /v1/ops endpoints need; wiring.ts builds the real ones. */
export interface OpsDeps {
  /** The tenant whose admin keys may use them; undefined: nobody may. */
  operatorTenant: string | undefined;
  queues: Record<DlqName, DeadLetterQueue>;
  /** Read for the send DLQ: mail already sent is skipped, not sent again. */
  messages: Pick<MessageStore, 'get'>;
}
