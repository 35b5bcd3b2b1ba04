import type { MessageStatus, SendMailRequest } from '../schemas';

/** A timeline entry (CONTRACT.md `events[]`). */
export interface MessageEvent {
  type: string;
  at: string;
  provider: string | null;
  data: Record<string, unknown>;
}

/** What is known about a message when it is first recorded. */
export interface NewMessage {
  id: string;
  tenantId: string;
  createdAt: string;
  from: SendMailRequest['from'];
  to: SendMailRequest['to'];
  subject: string;
  /** Every to/cc/bcc address, for the by-recipient index. */
  recipients: string[];
  provider?: string;
  idempotencyKey?: string;
  tags?: Record<string, string>;
  metadata?: Record<string, unknown>;
}

export interface MessageRecord extends NewMessage {
  status: MessageStatus;
  attempts: number;
  providerMessageId?: string;
  lastError?: string | null;
  updatedAt: string;
  enqueuedAt?: string;
}
