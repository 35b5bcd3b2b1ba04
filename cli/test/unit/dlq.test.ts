import type { NewMessage } from '@mailroom/core';
import { cli, newWorld, type World } from '../support/memory';

const body = (id: string, extra: Record<string, unknown> = {}) =>
  JSON.stringify({
    version: 1,
    id,
    tenantId: 'acme',
    from: 'a@acme.example',
    to: ['b@example.com'],
    subject: 'Hi',
    text: 'x',
    ...extra,
  });

const record = (id: string): NewMessage => ({
  id,
  tenantId: 'acme',
  createdAt: new Date().toISOString(),
  from: 'a@acme.example',
  to: ['b@example.com'],
  subject: 'Hi',
  recipients: ['b@example.com'],
});

describe('mailroom dlq', () => {
  let world: World;
  beforeEach(async () => {
    world = newWorld();
    await world.messages.create(record('m-sent'));
    await world.messages.transition('m-sent', 'acme', {
      status: 'sent',
      event: { type: 'sent', provider: 'ses', data: {} },
    });
    await world.messages.create(record('m-failed'));
    await world.messages.transition('m-failed', 'acme', {
      status: 'failed',
      lastError: 'SEND.DEAD_LETTERED: parked',
      event: { type: 'failed', provider: null, data: {} },
    });
  });

  it('lists depth and the first records’ ids and reasons without consuming them', async () => {
    world.queues.send.park(body('m-failed'));
    world.queues.send.park(body('m-sent'));
    world.queues.send.park('not json');
    const run = await cli(world, 'dlq', 'list', 'send', '--limit', '2', '--json');
    expect(run.code).toBe(0);
    expect(run.json()).toMatchObject({
      queue: 'send',
      depth: { visible: 3, inFlight: 0 },
      items: [
        { id: 'm-failed', tenantId: 'acme', reason: 'failed: SEND.DEAD_LETTERED: parked' },
        { id: 'm-sent', reason: 'sent' },
      ],
    });
    await expect(world.queues.send.depth()).resolves.toEqual({ visible: 3, inFlight: 0 });
    const text = await cli(world, 'dlq', 'list', 'send');
    expect(text.stdout).toContain('3 waiting, 0 in flight');
    expect(text.stdout).toContain('not a JSON object');
  });

  it('lists inbound records by SES message id', async () => {
    world.queues.inbound.park(JSON.stringify({ notificationType: 'Received', mail: { messageId: 'ses-1' } }));
    const run = await cli(world, 'dlq', 'list', 'inbound', '--json');
    expect(run.json().items).toEqual([expect.objectContaining({ id: 'ses-1' })]);
  });

  it('redrives send records: strips the copy fields, skips (and deletes) mail already sent, reports progress', async () => {
    world.queues.send.park(body('m-failed', { attemptsUsed: 3, shareSlotAt: 1700000000000 }));
    world.queues.send.park(body('m-sent'));
    world.queues.send.park(body('m-unknown'));
    const run = await cli(world, 'dlq', 'redrive', 'send', '--json');
    expect(run.code).toBe(0);
    expect(run.json()).toMatchObject({
      moved: 2,
      skipped: 1,
      movedIds: ['m-failed', 'm-unknown'],
      skippedIds: ['m-sent'],
    });
    expect(world.queues.send.source.map((b) => JSON.parse(b))).toEqual([
      JSON.parse(body('m-failed')),
      JSON.parse(body('m-unknown')),
    ]);
    expect(world.queues.send.bodies()).toEqual([]);
    expect(run.stderr).toBe('redrive send: 2 moved, 1 skipped (of ~3)');
  });

  it('redrives inbound bodies byte for byte', async () => {
    const raw = JSON.stringify({ mail: { messageId: 'ses-1' }, attemptsUsed: 1 });
    world.queues.inbound.park(raw);
    const run = await cli(world, 'dlq', 'redrive', 'inbound');
    expect(run.code).toBe(0);
    expect(world.queues.inbound.source).toEqual([raw]);
    expect(run.stdout).toBe('redrove inbound: 1 moved back to http://sqs/inbound, 0 skipped (already sent)');
  });

  it('stops on an AWS error, leaving the record it failed on (and the rest) in the DLQ', async () => {
    world.queues.send.park(body('m-failed'));
    world.queues.send.park(body('m-unknown'));
    world.queues.send.failSend = Object.assign(new Error('Access to the resource is denied'), {
      name: 'AccessDeniedException',
      $metadata: {},
    });
    const run = await cli(world, 'dlq', 'redrive', 'send');
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('mailroom: AWS refused it: AccessDeniedException');
    await expect(world.queues.send.depth()).resolves.toEqual({ visible: 2, inFlight: 0 });
  });

  it('refuses an unknown queue and a bad --limit', async () => {
    expect((await cli(world, 'dlq', 'list', 'tracker')).stderr).toContain(
      'the queue is send or inbound, not "tracker"',
    );
    const bad = await cli(world, 'dlq', 'list', 'send', '--limit', '0');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--limit must be a whole number from 1 to 100');
  });
});
