import type { OutgoingMail } from '../../src/providers/port';

/** A minimal OutgoingMail for provider tests, with a subject unique to the call. */
export const outgoing = (overrides: Partial<OutgoingMail> = {}): OutgoingMail => ({
  messageId: '01J00000000000000000000000',
  tenantId: 'acme',
  from: { email: 'app@acme.example' },
  to: [{ email: 'ana@example.com' }],
  cc: [],
  bcc: [],
  replyTo: [],
  subject: `test ${Math.random().toString(36).slice(2)}`,
  text: 'Hello',
  headers: {},
  attachments: [],
  tags: {},
  ...overrides,
});
