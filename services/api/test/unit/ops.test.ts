import { ForbiddenError, ValidationError, type NewMessage, type Principal } from '@mailroom/core';
import { InMemoryDeadLetterQueue, InMemoryMessageStore } from '@mailroom/core/testing';
import type { OpsDeps } from '../../src/ops/deps';
import { DEFAULT_REDRIVE, dlqDepths, RedriveBodySchema, redriveDlq } from '../../src/ops/dlq';

const principal = (tenantId: string): Principal => ({ tenantId, keyId: `${tenantId}-k1`, scopes: ['admin'] });
const operator = principal('ops');

const send = (id: string) => JSON.stringify({ version: 1, id, tenantId: 'acme', subject: 'Hi' });

const message = (id: string): NewMessage => ({
  id,
  tenantId: 'acme',
  createdAt: new Date().toISOString(),
  from: 'a@acme.example',
  to: ['b@example.com'],
  subject: 'Hi',
  recipients: ['b@example.com'],
});

describe('/v1/ops/dlq use cases (in-memory ports)', () => {
  let deps: OpsDeps & { queues: Record<'send' | 'inbound', InMemoryDeadLetterQueue> };
  let messages: InMemoryMessageStore;
  beforeEach(async () => {
    messages = new InMemoryMessageStore();
    deps = {
      operatorTenant: 'ops',
      queues: {
        send: new InMemoryDeadLetterQueue('http://sqs/send', 'http://sqs/send-dlq'),
        inbound: new InMemoryDeadLetterQueue('http://sqs/inbound', 'http://sqs/inbound-dlq'),
      },
      messages,
    };
    await messages.create(message('m-sent'));
    await messages.transition('m-sent', 'acme', {
      status: 'sent',
      event: { type: 'sent', provider: 'ses', data: {} },
    });
  });

  it('answers both DLQs’ depths to the operator', async () => {
    deps.queues.send.park(send('m-1'));
    deps.queues.send.park(send('m-2'));
    deps.queues.inbound.park('{}');
    await expect(dlqDepths(operator, deps)).resolves.toEqual({
      send: { visible: 2, inFlight: 0 },
      inbound: { visible: 1, inFlight: 0 },
    });
  });

  it('refuses an admin key of another tenant (403), and changes nothing', async () => {
    deps.queues.send.park(send('m-1'));
    await expect(dlqDepths(principal('acme'), deps)).rejects.toThrow(ForbiddenError);
    await expect(redriveDlq(principal('acme'), 'send', {}, deps)).rejects.toThrow(
      'the ops endpoints are for the operator tenant’s admin keys only',
    );
    expect(deps.queues.send.source).toEqual([]);
    await expect(deps.queues.send.depth()).resolves.toEqual({ visible: 1, inFlight: 0 });
  });

  it('refuses everyone when no operator tenant is configured', async () => {
    deps.operatorTenant = undefined;
    await expect(dlqDepths(operator, deps)).rejects.toThrow(
      'this stage has no operator tenant; the ops endpoints are closed',
    );
  });

  it('refuses an unknown queue name with a 400 naming the path parameter', async () => {
    const refused = await redriveDlq(operator, 'tracker', {}, deps).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(ValidationError);
    expect((refused as ValidationError).details).toEqual([
      { path: 'queue', message: 'unknown queue "tracker"; expected send or inbound' },
    ]);
  });

  it('redrives the send DLQ: skips mail already sent, moves the rest, reports counts and ids', async () => {
    deps.queues.send.park(send('m-sent'));
    deps.queues.send.park(send('m-1'));
    deps.queues.send.park('garbage');
    const { answer, error } = await redriveDlq(operator, 'send', {}, deps);
    expect(error).toBeUndefined();
    expect(answer).toEqual({
      queue: 'send',
      depthBefore: 3,
      moved: 1,
      skipped: 1,
      failed: 1,
      movedIds: ['m-1'],
      skippedIds: ['m-sent'],
      failures: [{ id: 'sqs-3', reason: 'not a JSON object' }],
      returned: 0,
      drained: true,
    });
    expect(deps.queues.send.source).toEqual([send('m-1')]);
    expect(deps.queues.send.bodies()).toEqual(['garbage']);
  });

  it('handles at most max records, DEFAULT_REDRIVE without a body', async () => {
    for (let i = 0; i < DEFAULT_REDRIVE + 5; i++) deps.queues.inbound.park(`{"mail":{"messageId":"s-${i}"}}`);
    expect((await redriveDlq(operator, 'inbound', { max: 3 }, deps)).answer.moved).toBe(3);
    const rest = await redriveDlq(operator, 'inbound', {}, deps);
    expect(rest.answer).toMatchObject({ moved: DEFAULT_REDRIVE, drained: false });
    await expect(deps.queues.inbound.depth()).resolves.toEqual({ visible: 2, inFlight: 0 });
  });

  it('reports a SendMessage failure mid-way as stoppedBy, with the records left in the DLQ', async () => {
    deps.queues.send.park(send('m-1'));
    deps.queues.send.park(send('m-2'));
    deps.queues.send.failSend = Object.assign(new Error('denied on arn:aws:sqs:…'), {
      name: 'AccessDeniedException',
    });
    deps.queues.send.sendsBeforeFailure = 1;
    const { answer, error } = await redriveDlq(operator, 'send', {}, deps);
    expect(error).toBe(deps.queues.send.failSend);
    expect(answer).toMatchObject({
      moved: 1,
      failed: 1,
      failures: [{ id: 'm-2', reason: 'AccessDeniedException' }],
      stoppedBy: 'AccessDeniedException',
    });
    expect(JSON.stringify(answer)).not.toContain('arn:');
    expect(deps.queues.send.bodies()).toEqual([send('m-2')]);
  });

  it('throws an error that stopped the run before any record (the contract’s 5xx)', async () => {
    deps.queues.send.park(send('m-1'));
    deps.queues.send.failReceive = new Error('connect ECONNREFUSED');
    await expect(redriveDlq(operator, 'send', {}, deps)).rejects.toThrow('connect ECONNREFUSED');
    await expect(deps.queues.send.depth()).resolves.toEqual({ visible: 1, inFlight: 0 });
  });

  it.each([{ max: 0 }, { max: 501 }, { max: 1.5 }, { max: '3' }, { limit: 3 }])(
    'refuses the body %j',
    (body) => {
      expect(RedriveBodySchema.safeParse(body).success).toBe(false);
    },
  );
});
