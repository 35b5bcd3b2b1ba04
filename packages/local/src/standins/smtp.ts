/**
 * The SMTP ingress: stands in for SES receiving. As a receipt rule with an S3 action does, it accepts
 * mail for the domains it receives for (a domain with an inbound route) and refuses any other
 * recipient with `550 5.1.1`; refuses mail over SES's 40 MB with `552 5.3.4` (advertised with SIZE,
 * checked again while the data streams); streams the raw bytes, unchanged, to the receipt bucket
 * under `raw/<SES message id>`; then publishes SES's `Received` notification to the receipt topic.
 * https://docs.aws.amazon.com/ses/latest/dg/receiving-email-action-s3.html
 */
import { once } from 'node:events';
import { PassThrough, type Readable } from 'node:stream';
import type { S3Client } from '@aws-sdk/client-s3';
import { PublishCommand, type SNSClient } from '@aws-sdk/client-sns';
import { Upload } from '@aws-sdk/lib-storage';
import { limits, routePatternsFor, type RouteStore } from '@mailroom/core';
import { SMTPServer, type SMTPServerDataStream, type SMTPServerSession } from 'smtp-server';
import type { Logger } from '../logger';
import { HeaderTap } from './header-tap';
import {
  LOCAL_VERDICTS,
  newSesMessageId,
  receivedNotification,
  type ReceiptVerdicts,
  type S3ActionTarget,
} from './ses-receipt';

/**
 * "When you save your emails to an Amazon S3 bucket, the maximum email size (including headers) is
 * 40 MB. Emails larger than that bounce." https://docs.aws.amazon.com/ses/latest/APIReference/API_S3Action.html
 * Read as decimal megabytes, as the send path reads SES's limit (core's limits.MAX_MESSAGE_BYTES).
 */
export const SES_RECEIVE_MAX_BYTES = limits.MAX_MESSAGE_BYTES;

/** The object key prefix of the receipt rule's S3 action (services/inbound: SES writes under raw/). */
export const RAW_PREFIX = 'raw/';

/** S3 multipart parts: the smallest S3 takes, so at most two are held at once whatever the mail's size. */
const PART_BYTES = 5 * 1024 * 1024;

/** How many receipts `received` keeps (a long `pnpm dev` run must not grow without end). */
const KEEP_RECEIVED = 1000;

export interface SmtpIngressOptions {
  port: number;
  host?: string;
  /** Where routes are looked up, per RCPT TO. */
  routes: Pick<RouteStore, 'resolve' | 'list'>;
  s3: S3Client;
  sns: Pick<SNSClient, 'send'>;
  bucket: string;
  topicArn: string;
  /** Default SES's 40 MB; tests set a small one. */
  maxBytes?: number;
  verdicts?: ReceiptVerdicts;
  logger?: Logger;
}

/** What the ingress stored and published, newest last (tests and `pnpm dev`'s debug log). */
export interface ReceivedRecord {
  messageId: string;
  key: string;
  recipients: string[];
  size: number;
}

export interface SmtpIngress {
  port: number;
  /** The size limit it advertises and enforces. */
  maxBytes: number;
  readonly received: readonly ReceivedRecord[];
  close(): Promise<void>;
}

/** An SMTP reply other than 250; smtp-server adds the enhanced status code that goes with it. */
class SmtpReply extends Error {
  constructor(
    readonly responseCode: number,
    message: string,
  ) {
    super(message);
  }
}

export async function startSmtpIngress(options: SmtpIngressOptions): Promise<SmtpIngress> {
  const maxBytes = options.maxBytes ?? SES_RECEIVE_MAX_BYTES;
  const verdicts = options.verdicts ?? LOCAL_VERDICTS;
  const action: S3ActionTarget = {
    topicArn: options.topicArn,
    bucketName: options.bucket,
    objectKeyPrefix: RAW_PREFIX,
  };
  const received: ReceivedRecord[] = [];

  const accepts = async (address: string): Promise<boolean> => {
    if (await options.routes.resolve(address)) return true;
    // SES receives for a whole domain (one receipt rule per domain): an address of a domain that has
    // any route is taken, and mail no route matches is then recorded `unrouted` by the process function.
    const domainPattern = routePatternsFor(address)[1];
    if (!domainPattern) return false;
    const domain = domainPattern.slice(1);
    return (await options.routes.list()).some((r) => r.pattern.endsWith(domain));
  };

  const receive = async (stream: SMTPServerDataStream, session: SMTPServerSession): Promise<string> => {
    const receivedAt = new Date();
    const messageId = newSesMessageId();
    const key = `${RAW_PREFIX}${messageId}`;
    const body = new PassThrough();
    const upload = new Upload({
      client: options.s3,
      params: { Bucket: options.bucket, Key: key, Body: body },
      partSize: PART_BYTES,
      queueSize: 1,
    });
    let failed: unknown;
    const done = upload.done().then(
      () => undefined,
      (err: unknown) => {
        failed = err;
      },
    );
    const tap = new HeaderTap();
    const size = await copy(stream, body, tap, maxBytes, () => failed !== undefined, done);
    if (size > maxBytes || stream.sizeExceeded) {
      // Ends the upload's read of the body (else it waits for more), then drops any parts it sent.
      body.destroy();
      await upload.abort().catch(() => undefined);
      await done;
      // smtp-server answers 552 itself for a mail over `size` (rejectOversized).
      throw new SmtpReply(552, `Error: message exceeds fixed maximum message size ${maxBytes}`);
    }
    body.end();
    await done;
    if (failed !== undefined) {
      options.logger?.warn(`[smtp] storing ${key} failed: ${String(failed)}`);
      throw new SmtpReply(451, 'Error: could not store the message, try again later');
    }
    const recipients = session.envelope.rcptTo.map((r) => r.address);
    const notification = receivedNotification(
      {
        messageId,
        receivedAt,
        envelopeFrom: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
        envelopeTo: recipients,
        headers: tap.headers(),
        headerBlockCut: tap.cut,
      },
      action,
      verdicts,
    );
    try {
      await options.sns.send(
        new PublishCommand({
          TopicArn: options.topicArn,
          Subject: 'Amazon SES Email Receipt Notification',
          Message: JSON.stringify(notification),
        }),
      );
    } catch (err) {
      options.logger?.warn(`[smtp] publishing the notification of ${key} failed: ${String(err)}`);
      throw new SmtpReply(451, 'Error: could not publish the receipt notification, try again later');
    }
    received.push({ messageId, key, recipients, size });
    if (received.length > KEEP_RECEIVED) received.shift();
    options.logger?.debug(`[smtp] ${key}: ${size} bytes for ${recipients.join(', ')}`);
    return messageId;
  };

  const server = new SMTPServer({
    name: 'inbound-smtp.localhost',
    banner: 'Mailroom local SMTP ingress (stands in for Amazon SES receiving)',
    size: maxBytes,
    rejectOversized: true,
    hideENHANCEDSTATUSCODES: false,
    authOptional: true,
    disabledCommands: ['AUTH', 'STARTTLS'],
    disableReverseLookup: true,
    logger: false,
    // Stopping the cloud must not wait on an idle client (smtp-server waits 30 s by default).
    closeTimeout: 1_000,
    onRcptTo(address, _session, callback) {
      accepts(address.address).then(
        (ok) =>
          callback(
            ok
              ? undefined
              : new SmtpReply(550, `Requested action not taken: mailbox unavailable <${address.address}>`),
          ),
        (err: unknown) => {
          options.logger?.warn(`[smtp] route lookup for ${address.address} failed: ${String(err)}`);
          callback(new SmtpReply(451, 'Error: route lookup failed, try again later'));
        },
      );
    },
    onData(stream, session, callback) {
      receive(stream, session).then(
        (messageId) => callback(null, `Ok ${messageId}`),
        (err: unknown) =>
          callback(err instanceof SmtpReply ? err : new SmtpReply(451, 'Error: local error in processing')),
      );
    },
  });
  server.on('error', (err) => options.logger?.warn(`[smtp] ${String(err)}`));

  await new Promise<void>((resolve, reject) => {
    const net = server.listen(options.port, options.host ?? '0.0.0.0', () => {
      net.off('error', reject);
      resolve();
    });
    net.once('error', reject);
  });
  const address = server.server.address();
  const port = typeof address === 'object' && address ? address.port : options.port;
  return {
    port,
    maxBytes,
    received,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/**
 * Streams the DATA into `body` (and the header tap) until it exceeds `maxBytes` or the upload fails;
 * from then on only counts and drops, so the client still gets its answer after the final dot and
 * nothing past the limit is held. Resolves with the whole size.
 */
async function copy(
  stream: SMTPServerDataStream & Readable,
  body: PassThrough,
  tap: HeaderTap,
  maxBytes: number,
  uploadFailed: () => boolean,
  uploadSettled: Promise<void>,
): Promise<number> {
  let size = 0;
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > maxBytes || stream.sizeExceeded || uploadFailed()) continue;
    tap.push(chunk);
    if (!body.write(chunk)) await Promise.race([once(body, 'drain'), uploadSettled]);
  }
  return size;
}
