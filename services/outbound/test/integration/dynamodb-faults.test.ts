import { classifyError } from '@mailroom/core';
import { startLocalCloud, type LocalCloud } from '@mailroom/local';
import { RetryLaterError, sendMessage, type SendDeps } from '../../src/send-message';
import { createSendDeps } from '../../src/wiring';
import { outboundConfigFor, queueMessage, record, sesMailbox } from '../support/cloud';

jest.setTimeout(120_000);

// The local cloud's DynamoDB fault proxy sits in front of DynamoDB Local: `cloud.failNext` fails the
// next N requests of one operation (deterministic), `setFaults('dynamodb.<Operation>.throttle=1')` all.
describe('recording `sent` under DynamoDB throttling (DynamoDB fault proxy)', () => {
  let cloud: LocalCloud;
  let deps: SendDeps;
  /** Added to the clock the send path reads (lock leases), so a test can let a lease expire at once. */
  let clockOffset = 0;

  beforeAll(async () => {
    cloud = await startLocalCloud({ ports: 'auto', services: false });
    const real = await createSendDeps(
      outboundConfigFor(cloud, {
        MAILROOM_SES_MAX_SEND_RATE: '1000',
        // Longer than any attempt here takes, however loaded the machine: the test moves the clock past it.
        MAILROOM_LOCK_LEASE_MS: '60000',
        MAILROOM_RECORD_RETRY_MS: '1000',
        // The SES stand-in shares this machine's cores with DynamoDB Local: give it the longest wait the
        // setting allows, so a slow answer is not taken for an unknown outcome (a different path).
        MAILROOM_PROVIDER_TIMEOUT_MS: '15000',
      }),
    );
    deps = {
      ...real,
      now: () => Date.now() + clockOffset,
      logger: { info: () => undefined, warn: () => undefined, error: () => undefined },
      delay: async () => undefined,
    };
  });
  afterEach(() => cloud?.setFaults(''));
  afterAll(() => cloud?.stop());

  /** Real SES stand-in; `afterSend` runs once the provider has the mail, before anything is recorded. */
  const withHook = (afterSend: () => void): SendDeps => ({
    ...deps,
    providers: {
      ses: {
        name: 'ses',
        send: async (mail, credentials) => {
          const answer = await deps.providers.ses!.send(mail, credentials);
          afterSend();
          return answer;
        },
      },
    },
  });

  it('retries the joint sent + lock write through throttles (beyond the SDK’s own 3 attempts) and sends once', async () => {
    const message = queueMessage();
    let pending: { remaining(): number } | undefined;
    const hooked = withHook(() => {
      pending = cloud.failNext({
        target: 'dynamodb',
        operation: 'TransactWriteItems',
        count: 5,
        fault: 'throttle',
      });
    });
    await expect(sendMessage(record(message), hooked)).resolves.toBe('sent');
    expect(pending!.remaining()).toBe(0);
    await expect(deps.messages.get(message.id)).resolves.toMatchObject({ status: 'sent' });
    await expect(sendMessage(record(message, 2), deps)).resolves.toBe('duplicate');
    expect(await sesMailbox(cloud, message.subject)).toHaveLength(1);
  });

  it('gives up after its budget when every write is throttled: one duplicate after the lease, never more', async () => {
    const message = queueMessage();
    const hooked = withHook(() => cloud.setFaults('dynamodb.TransactWriteItems.throttle=1'));
    const gaveUp = await sendMessage(record(message), hooked).catch((e: unknown) => e);
    // What it gave up on is DynamoDB's throttling, after SES had the mail.
    expect(classifyError(gaveUp)).toMatchObject({ kind: 'throttling' });
    expect(await sesMailbox(cloud, message.subject)).toHaveLength(1);

    cloud.setFaults('');
    const waiting = await sendMessage(record(message, 2), deps).catch((e: unknown) => e);
    expect(waiting).toBeInstanceOf(RetryLaterError);
    // SQS brings the record back once the lease it found is over.
    clockOffset += (waiting as RetryLaterError).delaySeconds * 1000 + 1000;
    await expect(sendMessage(record(message, 3), deps)).resolves.toBe('sent');
    await expect(sendMessage(record(message, 4), deps)).resolves.toBe('duplicate');
    expect(await sesMailbox(cloud, message.subject)).toHaveLength(2);
  });
});
