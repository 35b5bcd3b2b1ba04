import { TooManyRequestsException } from '@aws-sdk/client-sesv2';
import { newId } from '@mailroom/core';
import type { AttachmentSource } from '../../src/outgoing-mail';
import type { OutgoingMail } from '../../src/providers/port';
import { BufferPool } from '../../src/buffer-pool';
import { ByteBudget } from '../../src/send/byte-budget';
import { sendMessage } from '../../src/send-message';
import { queueMessage, record } from '../support/cloud';
import { twins, type Twins } from '../support/twins';

/** Lets every promise that can settle settle: the twins and fakes here do no I/O and set no timers. */
const settle = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * An attachments bucket that knows each upload's size and counts the bytes loaded whose mail the
 * provider has not answered yet: what the send path holds in memory at once.
 */
class CountingAttachments implements AttachmentSource {
  readonly sizes = new Map<string, number>();
  inFlight = 0;
  maxInFlight = 0;

  upload(bytes: number): string {
    const key = `acme/${newId()}/big.pdf`;
    this.sizes.set(key, bytes);
    return key;
  }

  async size(_tenantId: string, key: string): Promise<number | undefined> {
    return this.sizes.get(key);
  }

  async load(_tenantId: string, key: string): Promise<Uint8Array> {
    this.inFlight += this.sizes.get(key)!;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    return new Uint8Array(1); // the count stands for the bytes; the test needs no real ones
  }

  /** The provider answered: the mail's attachments can go. */
  answered(mail: OutgoingMail, keys: Map<string, string>): void {
    for (const a of mail.attachments) this.inFlight -= this.sizes.get(keys.get(a.filename)!)!;
  }
}

/** Provider calls that wait until the test answers them, one at a time. */
function heldProvider(t: Twins, attachments: CountingAttachments, keys: Map<string, string>, calls: number) {
  const pending: (() => void)[] = [];
  for (let i = 0; i < calls; i += 1) {
    t.ses.next(
      (mail) =>
        new Promise((resolve) => {
          pending.push(() => {
            attachments.answered(mail, keys);
            resolve({ providerMessageId: `ses-${mail.messageId}` });
          });
        }),
    );
  }
  return pending;
}

/** A batch of mails, one attachment each of the given sizes (bytes), all sent at once as the handler does. */
function batch(t: Twins, attachments: CountingAttachments, sizes: number[]) {
  const keys = new Map<string, string>();
  const messages = sizes.map((bytes, i) => {
    const filename = `file-${i}.pdf`;
    const key = attachments.upload(bytes);
    keys.set(filename, key);
    return queueMessage({ attachments: [{ filename, contentType: 'application/pdf', key }] });
  });
  const pending = heldProvider(t, attachments, keys, sizes.length);
  const outcomes = Promise.all(messages.map((m) => sendMessage(record(m), t.deps)));
  return { pending, outcomes };
}

/** Answers the provider's calls one by one, checking what was in flight before each answer. */
async function drain(pending: (() => void)[], calls: number, check: (waitingCalls: number) => void) {
  for (let answered = 0; answered < calls; answered += 1) {
    await settle();
    check(pending.length);
    pending.shift()!();
  }
  await settle();
}

describe('the send path under its bound on attachment memory in flight', () => {
  let t: Twins;
  let attachments: CountingAttachments;
  beforeEach(() => {
    t = twins();
    attachments = new CountingAttachments();
    t.deps.attachments = attachments;
  });

  it('never holds more than the bound with a batch of 10 big mails, and sends every one', async () => {
    // A 30-byte file holds 70 (heldBytes: the file and its 40 characters of base64 in the request body).
    const budget = new ByteBudget(210);
    t.deps.bytesInFlight = budget;
    const { pending, outcomes } = batch(t, attachments, Array<number>(10).fill(30));
    const concurrent: number[] = [];
    await drain(pending, 10, (calls) => {
      concurrent.push(calls);
      expect(budget.held).toBe(70 * calls);
      expect(attachments.inFlight).toBe(30 * calls);
    });
    await expect(outcomes).resolves.toEqual(Array(10).fill('sent'));
    expect(attachments.maxInFlight).toBe(90); // three 30-byte mails at a time
    expect(Math.max(...concurrent)).toBe(3);
    expect(budget.held).toBe(0);
    expect(t.ses.sent).toHaveLength(10);
  });

  it('holds them all at once without the bound (what the bound prevents)', async () => {
    const { pending, outcomes } = batch(t, attachments, Array<number>(10).fill(30));
    await drain(pending, 10, () => undefined);
    await expect(outcomes).resolves.toEqual(Array(10).fill('sent'));
    expect(attachments.maxInFlight).toBe(300);
  });

  it('sends a mail larger than the bound alone, and the others after it in their turn', async () => {
    // Held: 96 for a 40-byte file, 350 for the 150-byte one.
    t.deps.bytesInFlight = new ByteBudget(240);
    const { pending, outcomes } = batch(t, attachments, [40, 150, 40, 40]);
    const inFlight: number[] = [];
    await drain(pending, 4, () => inFlight.push(attachments.inFlight));
    await expect(outcomes).resolves.toEqual(Array(4).fill('sent'));
    // 40 alone (the 150 waits for room and the 40s behind it wait for the 150), 150 alone, then 40 + 40.
    expect(inFlight).toEqual([40, 150, 80, 40]);
  });

  it('gives the bytes back when the provider fails, so the rest of the batch goes on', async () => {
    const budget = new ByteBudget(100);
    t.deps.bytesInFlight = budget;
    const key = attachments.upload(80);
    const other = attachments.upload(80);
    t.ses.next({ error: new TooManyRequestsException({ $metadata: { httpStatusCode: 429 }, message: '' }) });
    const failing = queueMessage({
      attachments: [{ filename: 'a.pdf', contentType: 'application/pdf', key }],
    });
    const next = queueMessage({
      attachments: [{ filename: 'b.pdf', contentType: 'application/pdf', key: other }],
    });
    const outcomes = Promise.allSettled([
      sendMessage(record(failing), t.deps),
      sendMessage(record(next), t.deps),
    ]);
    // Each holds 188 (the file and its base64), over the bound: whichever goes second waits for the first,
    // which fails (and comes back later, RetryLaterError), then goes on.
    const settled = await outcomes;
    expect(settled.map((o) => o.status).sort()).toEqual(['fulfilled', 'rejected']);
    expect(settled.find((o) => o.status === 'fulfilled')).toEqual({ status: 'fulfilled', value: 'sent' });
    expect(budget.held).toBe(0);
  });

  it("hands the attachments' buffers back to the container's pool once the provider call is over, sent or failed", async () => {
    const MIB = 1024 * 1024;
    const pool = new BufferPool(64 * MIB, 1);
    t.deps.buffers = pool;
    // An attachments bucket reading into the pool, as AttachmentsBucket does.
    t.deps.attachments = {
      size: async () => 1000,
      load: async () => pool.take(1000).fill(7),
    };
    const mail = () =>
      queueMessage({
        attachments: [{ filename: 'a.pdf', contentType: 'application/pdf', key: 'acme/x/a.pdf' }],
      });
    let keptDuringCall = -1;
    t.ses.next(async (sent) => {
      keptDuringCall = pool.kept;
      expect(sent.attachments[0]!.content).toHaveLength(1000);
      return { providerMessageId: 'ses-1' };
    });
    await expect(sendMessage(record(mail()), t.deps)).resolves.toBe('sent');
    expect(keptDuringCall).toBe(0); // in use while the provider has it
    expect(pool.kept).toBe(MIB); // back for the next mail (sizes round up to a MiB)

    t.ses.next({ error: new TooManyRequestsException({ $metadata: { httpStatusCode: 429 }, message: '' }) });
    await expect(sendMessage(record(mail()), t.deps)).rejects.toThrow();
    expect(pool.kept).toBe(MIB); // the same memory taken and given back again
  });
});
