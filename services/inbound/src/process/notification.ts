import { InboundRetryMessageSchema, type Verdicts, type VerdictName } from '@mailroom/core';
import { z } from 'zod';
import { InvalidNotificationError } from './errors';

/** SES's verdict objects (`receipt.spamVerdict` etc.); an unknown status is left out rather than refused. */
const VerdictSchema = z
  .object({ status: z.enum(['PASS', 'FAIL', 'GRAY', 'PROCESSING_FAILED', 'DISABLED']).catch('GRAY') })
  .optional()
  .catch(undefined);

/** SES message ids name objects (`processed/<id>`): letters, digits, `-`, `.`, `_` only. */
const SesMessageIdSchema = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,254}$/);

/**
 * An SES receipt notification of a mail delivered by an S3 action
 * (https://docs.aws.amazon.com/ses/latest/dg/receiving-email-notifications-contents.html). Only what
 * processing reads is checked; the rest of `mail` (headers, commonHeaders) is not needed.
 */
export const ReceivedNotificationSchema = z.object({
  notificationType: z.literal('Received'),
  mail: z.object({ messageId: SesMessageIdSchema, timestamp: z.string().optional() }),
  receipt: z.object({
    timestamp: z.string().refine((s) => !Number.isNaN(Date.parse(s)), 'not a timestamp'),
    recipients: z.array(z.string().min(1).max(320)).min(1).max(1000),
    spamVerdict: VerdictSchema,
    virusVerdict: VerdictSchema,
    spfVerdict: VerdictSchema,
    dkimVerdict: VerdictSchema,
    dmarcVerdict: VerdictSchema,
    action: z.object({
      type: z.literal('S3'),
      bucketName: z.string().min(1),
      objectKey: z.string().min(1).max(1024),
    }),
  }),
});
export type ReceivedNotification = z.infer<typeof ReceivedNotificationSchema>;

export type QueueBody =
  { kind: 'received'; notification: ReceivedNotification } | { kind: 'retry'; id: string };

const SnsEnvelopeSchema = z.object({ Type: z.literal('Notification'), Message: z.string() });

const json = (text: string, what: string): unknown => {
  try {
    return JSON.parse(text);
  } catch {
    throw new InvalidNotificationError(`${what} is not JSON`);
  }
};

const issues = (error: z.ZodError) =>
  error.issues.slice(0, 5).map((i) => ({ path: i.path.join('.'), message: i.message }));

/**
 * Reads an inbound queue body: the SES notification itself (the subscription delivers raw), the same
 * inside an SNS envelope (a subscription without raw delivery), or a retry order. Anything else is an
 * InvalidNotificationError saying what is wrong.
 */
export const readQueueBody = (body: string): QueueBody => {
  let value = json(body, 'the queue body');
  const envelope = SnsEnvelopeSchema.safeParse(value);
  if (envelope.success) value = json(envelope.data.Message, 'the SNS envelope’s Message');
  // A retry order (retry-failed, POST /v1/inbound/{id}/retry): core's one schema, strict.
  if ((value as { type?: unknown } | null)?.type === InboundRetryMessageSchema.shape.type.value) {
    const retry = InboundRetryMessageSchema.safeParse(value);
    if (!retry.success)
      throw new InvalidNotificationError('not a valid retry order', { details: issues(retry.error) });
    return { kind: 'retry', id: retry.data.id };
  }
  const type = (value as { notificationType?: unknown } | null)?.notificationType;
  if (type !== undefined && type !== 'Received') {
    throw new InvalidNotificationError(`an SES ${String(type).slice(0, 40)} notification, not Received`);
  }
  const parsed = ReceivedNotificationSchema.safeParse(value);
  if (!parsed.success) {
    throw new InvalidNotificationError('not an SES Received notification with an S3 action', {
      details: issues(parsed.error),
    });
  }
  return { kind: 'received', notification: parsed.data };
};

/** The verdicts SES gave, by the names routes reject on. */
export const verdictsOf = ({ receipt }: ReceivedNotification): Verdicts => {
  const byName: [VerdictName, { status: Verdicts[VerdictName] } | undefined][] = [
    ['spam', receipt.spamVerdict],
    ['virus', receipt.virusVerdict],
    ['spf', receipt.spfVerdict],
    ['dkim', receipt.dkimVerdict],
    ['dmarc', receipt.dmarcVerdict],
  ];
  const verdicts: Verdicts = {};
  for (const [name, verdict] of byName) if (verdict?.status) verdicts[name] = verdict.status;
  return verdicts;
};

/** The first verdict the route rejects on that SES says FAIL, or null. */
export const rejectingVerdict = (verdicts: Verdicts, rejectOn: readonly VerdictName[]): VerdictName | null =>
  rejectOn.find((name) => verdicts[name] === 'FAIL') ?? null;
