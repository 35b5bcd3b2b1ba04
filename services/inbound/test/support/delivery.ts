import type { InboundRecord } from '@mailroom/core';
import type { InboundDelivery } from '../../src/destinations/port';

/** A processed mail as a destination receives it. */
export function delivery(
  overrides: { record?: Partial<InboundRecord>; message?: unknown } = {},
): InboundDelivery {
  const record: InboundRecord = {
    id: '01KBWEB0000000000000000000',
    sesMessageId: '17at0jiq08p0449huhf16qsmdi6sa1ltm069t801',
    tenantId: 'acme',
    status: 'processed',
    route: '*@in.acme.localhost',
    recipients: ['support@in.acme.localhost', 'audit@in.acme.localhost'],
    from: 'Ann <ann@sender.example>',
    to: ['support@in.acme.localhost'],
    subject: 'こんにちは',
    receivedAt: '2026-12-03T10:00:00.000Z',
    updatedAt: '2026-12-03T10:00:01.000Z',
    rawKey: 'processed/17at0jiq08p0449huhf16qsmdi6sa1ltm069t801',
    parsedKey: 'parsed/01KBWEB0000000000000000000/message.json',
    attachments: [
      {
        filename: 'invoice.pdf',
        contentType: 'application/pdf',
        size: 48213,
        key: 'parsed/01KBWEB0000000000000000000/0',
      },
    ],
    verdicts: { spam: 'PASS', virus: 'PASS', spf: 'GRAY', dkim: 'GRAY', dmarc: 'GRAY' },
    linkedMessageId: null,
    dsn: null,
    attempts: 1,
    reason: null,
    ...overrides.record,
  };
  return {
    record,
    message:
      'message' in overrides
        ? overrides.message
        : {
            subject: 'こんにちは',
            text: 'Hello\n',
            html: '<p>Hello</p>',
            headers: [{ name: 'Subject', value: 'こんにちは' }],
            attachments: [],
          },
    attachments: [
      {
        filename: 'invoice.pdf',
        contentType: 'application/pdf',
        size: 48213,
        url: 'http://localhost:4566/bucket/parsed/01KBWEB0000000000000000000/0?X-Amz-Signature=abc',
      },
    ],
  };
}
