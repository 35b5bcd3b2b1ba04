import { Cursors, type InboundRecord, type InboundRetryMessage, type InboundUpdate } from '@mailroom/core';
import { InMemoryInboundStore } from '@mailroom/core/testing';
import type { InboundApiDeps, ParsedMail } from '../../src/inbound/deps';

/** ParsedMail in a Map: what the receipt bucket's `parsed/` prefix would hold. */
export class InMemoryParsedMail implements ParsedMail {
  readonly objects = new Map<string, { text: string | null; html: string | null }>();

  async bodies(key: string) {
    return this.objects.get(key) ?? null;
  }

  async downloadUrl(key: string, file: { filename: string; contentType: string }, expiresInSeconds: number) {
    const query = new URLSearchParams({
      name: file.filename,
      type: file.contentType,
      expires: String(expiresInSeconds),
    });
    return `https://receipts.test/${key}?${query.toString()}`;
  }
}

export const CURSOR_KEY = 'a-test-cursor-key-of-32-characters';

export type TestInboundDeps = InboundApiDeps & {
  inbound: InMemoryInboundStore;
  parsed: InMemoryParsedMail;
  requeued: InboundRetryMessage[];
};

/** The /v1/inbound use cases' deps, in memory; `requeued` collects what would go on the inbound queue. */
export function inboundTestDeps(): TestInboundDeps {
  const requeued: InboundRetryMessage[] = [];
  return {
    inbound: new InMemoryInboundStore(),
    parsed: new InMemoryParsedMail(),
    cursors: new Cursors(async () => CURSOR_KEY),
    requeue: async (message) => void requeued.push(message),
    requeued,
    downloadUrlSeconds: 300,
  };
}

let n = 0;

/** A received mail routed to `tenantId` (null: unrouted) and moved to `fields`, as `process` would leave it. */
export async function storedMail(
  store: InMemoryInboundStore,
  tenantId: string | null,
  fields: InboundUpdate & { receivedAt?: string } = {},
): Promise<InboundRecord> {
  const { receivedAt = '2026-12-03T10:00:00.000Z', ...update } = fields;
  const { record } = await store.receive({
    sesMessageId: `ses-${++n}`,
    recipients: ['support@in.acme.localhost'],
    receivedAt,
    rawKey: `raw/ses-${n}`,
    verdicts: { spam: 'PASS', virus: 'PASS' },
  });
  const updated = await store.update(record.id, {
    tenantId,
    status: tenantId === null ? 'unrouted' : 'processed',
    route: tenantId === null ? null : '*@in.acme.localhost',
    from: 'ana@example.com',
    to: ['support@in.acme.localhost'],
    subject: 'Hello',
    parsedKey: `parsed/${record.id}/message.json`,
    ...update,
  });
  return updated!;
}
