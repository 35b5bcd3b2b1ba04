import {
  ConfigError,
  redriveDeadLetters,
  summarizeDlqBody,
  type NewMessage,
  type RedriveCounts,
} from '../../src';
import { InMemoryDeadLetterQueue, InMemoryMessageStore } from '../../src/testing';

const body = (id: string, extra: Record<string, unknown> = {}) =>
  JSON.stringify({ version: 1, id, tenantId: 'acme', to: ['b@example.com'], subject: 'Hi', ...extra });

const message = (id: string): NewMessage => ({
  id,
  tenantId: 'acme',
  createdAt: new Date().toISOString(),
  from: 'a@acme.example',
  to: ['b@example.com'],
  subject: 'Hi',
  recipients: ['b@example.com'],
});

const awsError = (name: string) =>
  Object.assign(new Error(`${name}: arn:aws:sqs:…`), { name, $metadata: {} });

describe('redriveDeadLetters', () => {
  let dlq: InMemoryDeadLetterQueue;
  let messages: InMemoryMessageStore;
  beforeEach(async () => {
    dlq = new InMemoryDeadLetterQueue('http://sqs/send', 'http://sqs/send-dlq');
    messages = new InMemoryMessageStore();
    for (const id of ['m-sent', 'm-failed', 'm-2', 'm-3']) await messages.create(message(id));
    await messages.transition('m-sent', 'acme', {
      status: 'sent',
      event: { type: 'sent', provider: 'ses', data: {} },
    });
    await messages.transition('m-failed', 'acme', {
      status: 'failed',
      lastError: 'SEND.DEAD_LETTERED: parked',
      event: { type: 'failed', provider: null, data: {} },
    });
  });

  it('reports zeros for an empty DLQ and sends nothing', async () => {
    const batches: RedriveCounts[] = [];
    const run = await redriveDeadLetters('send', dlq, { messages, onBatch: (c) => batches.push({ ...c }) });
    expect(run).toMatchObject({
      depthBefore: 0,
      moved: 0,
      skipped: 0,
      failed: 0,
      returned: 0,
      drained: true,
    });
    expect(run.error).toBeUndefined();
    expect(dlq.source).toEqual([]);
    expect(batches).toEqual([]);
  });

  it('skips (and deletes) mail already sent, moves the rest with the copy fields stripped', async () => {
    dlq.park(body('m-failed', { attemptsUsed: 3, shareSlotAt: 1700000000000 }));
    dlq.park(body('m-sent', { attemptsUsed: 1 }));
    dlq.park(body('m-unknown'));
    const run = await redriveDeadLetters('send', dlq, { messages });
    expect(run).toMatchObject({
      depthBefore: 3,
      moved: 2,
      skipped: 1,
      failed: 0,
      movedIds: ['m-failed', 'm-unknown'],
      skippedIds: ['m-sent'],
    });
    expect(dlq.source.map((b) => JSON.parse(b))).toEqual([
      JSON.parse(body('m-failed')),
      JSON.parse(body('m-unknown')),
    ]);
    expect(dlq.bodies()).toEqual([]);
  });

  it('leaves records it cannot read in the DLQ, visible again, and goes on with the rest', async () => {
    dlq.park('not json');
    dlq.park(JSON.stringify({ tenantId: 'acme' }));
    for (let i = 0; i < 10; i++) dlq.park(body('m-2', { n: i }));
    const run = await redriveDeadLetters('send', dlq, { messages });
    expect(run.moved).toBe(10);
    expect(run.failures).toEqual([
      { id: 'sqs-1', reason: 'not a JSON object' },
      { id: 'sqs-2', reason: 'no message id' },
    ]);
    expect(run.error).toBeUndefined();
    expect(dlq.bodies()).toEqual(['not json', JSON.stringify({ tenantId: 'acme' })]);
    await expect(dlq.depth()).resolves.toEqual({ visible: 2, inFlight: 0 });
  });

  it('stops at a SendMessage failure mid-way: reports it, and every record not moved stays in the DLQ', async () => {
    for (const id of ['m-failed', 'm-2', 'm-3']) dlq.park(body(id));
    dlq.failSend = awsError('AccessDeniedException');
    dlq.sendsBeforeFailure = 1;
    const run = await redriveDeadLetters('send', dlq, { messages });
    expect(run).toMatchObject({
      moved: 1,
      skipped: 0,
      failed: 1,
      movedIds: ['m-failed'],
      failures: [{ id: 'm-2', reason: 'AccessDeniedException' }],
    });
    expect(run.error).toBe(dlq.failSend);
    expect(dlq.source.map((b) => JSON.parse(b).id)).toEqual(['m-failed']);
    expect(dlq.bodies().map((b) => JSON.parse(b).id)).toEqual(['m-2', 'm-3']);
    await expect(dlq.depth()).resolves.toEqual({ visible: 2, inFlight: 0 });
  });

  it('keeps a record whose DeleteMessage fails in the DLQ (its copy on the queue is a duplicate, not a loss)', async () => {
    dlq.park(body('m-failed'));
    dlq.failRemove = awsError('InternalError');
    const run = await redriveDeadLetters('send', dlq, { messages });
    expect(run).toMatchObject({
      moved: 0,
      failed: 1,
      failures: [{ id: 'm-failed', reason: 'InternalError' }],
    });
    expect(dlq.source).toHaveLength(1);
    await expect(dlq.depth()).resolves.toEqual({ visible: 1, inFlight: 0 });
  });

  it('stops when the messages table cannot be read, before sending that record', async () => {
    dlq.park(body('m-failed'));
    jest.spyOn(messages, 'get').mockRejectedValueOnce(new ConfigError('no table'));
    const run = await redriveDeadLetters('send', dlq, { messages });
    expect(run.failures).toEqual([{ id: 'm-failed', reason: 'CONFIG.INVALID' }]);
    expect(dlq.source).toEqual([]);
    await expect(dlq.depth()).resolves.toEqual({ visible: 1, inFlight: 0 });
  });

  it('reports a ReceiveMessage failure with nothing handled', async () => {
    dlq.park(body('m-failed'));
    dlq.failReceive = awsError('QueueDoesNotExist');
    const run = await redriveDeadLetters('send', dlq, { messages });
    expect(run).toMatchObject({ moved: 0, skipped: 0, failed: 0, failures: [] });
    expect(run.error).toBe(dlq.failReceive);
  });

  it('handles at most max records and leaves the rest', async () => {
    for (let i = 0; i < 15; i++) dlq.park(body('m-2', { n: i }));
    const batches: number[] = [];
    const run = await redriveDeadLetters('send', dlq, {
      messages,
      max: 12,
      onBatch: (c) => batches.push(c.moved),
    });
    expect(run).toMatchObject({ moved: 12, drained: false });
    expect(batches).toEqual([10, 12]);
    await expect(dlq.depth()).resolves.toEqual({ visible: 3, inFlight: 0 });
  });

  it('ends the run between batches when told to stop', async () => {
    for (let i = 0; i < 15; i++) dlq.park(body('m-2', { n: i }));
    let asked = 0;
    const run = await redriveDeadLetters('send', dlq, { messages, shouldStop: () => ++asked > 1 });
    expect(run).toMatchObject({ moved: 10, drained: false });
    await expect(dlq.depth()).resolves.toEqual({ visible: 5, inFlight: 0 });
  });

  it('leaves a record parked again during the run (the same body it moved) and stops', async () => {
    dlq.park(body('m-2'));
    dlq.park(body('m-3'));
    const park = dlq.sendToSource.bind(dlq);
    dlq.sendToSource = async (b) => {
      await park(b);
      if (JSON.parse(b).id === 'm-2') dlq.park(b); // the send function failed it again at once
    };
    const run = await redriveDeadLetters('send', dlq, { messages });
    expect(run.movedIds).toEqual(['m-2', 'm-3']);
    expect(run.returned).toBe(1);
    expect(dlq.bodies()).toEqual([body('m-2')]);
    await expect(dlq.depth()).resolves.toEqual({ visible: 1, inFlight: 0 });
  });

  it('refuses a send redrive without the messages table', async () => {
    await expect(redriveDeadLetters('send', dlq)).rejects.toThrow(ConfigError);
  });

  it('moves inbound bodies byte for byte, whatever their status elsewhere', async () => {
    const inbound = new InMemoryDeadLetterQueue('http://sqs/inbound', 'http://sqs/inbound-dlq');
    const notification = JSON.stringify({ notificationType: 'Received', mail: { messageId: 'ses-1' } });
    const retry = JSON.stringify({ type: 'mailroom.inbound.retry', id: '01KBX0000000000000000000AA' });
    const enveloped = JSON.stringify({ Type: 'Notification', Message: notification });
    for (const b of [notification, retry, enveloped, '{"mail":{}}']) inbound.park(b);
    const run = await redriveDeadLetters('inbound', inbound);
    expect(run.movedIds).toEqual(['ses-1', '01KBX0000000000000000000AA', 'ses-1']);
    expect(run.failures).toEqual([{ id: 'sqs-4', reason: 'no SES mail.messageId' }]);
    expect(inbound.source).toEqual([notification, retry, enveloped]);
  });
});

describe('summarizeDlqBody', () => {
  it.each([
    ['send', '[1]', 'not a JSON object'],
    ['send', '{"id": 7}', 'no message id'],
    ['inbound', '{"Type": "Notification", "Message": "{"}', 'no SES mail.messageId'],
  ] as const)('calls a %s body %s unreadable: %s', (queue, text, reason) => {
    expect(summarizeDlqBody(queue, text)).toEqual({ id: null, tenantId: null, unreadable: reason });
  });
});
