import {
  DLQ_NAMES,
  ForbiddenError,
  isDlqName,
  MailroomError,
  redriveDeadLetters,
  ValidationError,
  type DlqDepth,
  type DlqName,
  type Principal,
  type RedriveFailure,
} from '@mailroom/core';
import { z } from 'zod';
import type { OpsDeps } from './deps';

/** Records one redrive request handles at most: what fits the HTTP API's 30 s integration timeout. */
export const MAX_REDRIVE = 500;
export const DEFAULT_REDRIVE = 100;

export const RedriveBodySchema = z.strictObject({
  max: z.number().int().min(1).max(MAX_REDRIVE).optional(),
});
export type RedriveBody = z.infer<typeof RedriveBodySchema>;

/** The documented answers (GET /v1/openapi.json). */
export const DlqNameSchema = z.enum(DLQ_NAMES).meta({ description: 'Which dead-letter queue.' });
const DepthSchema = z.strictObject({ visible: z.number().int(), inFlight: z.number().int() });
export const DlqDepthsSchema = z
  .strictObject({ send: DepthSchema, inbound: DepthSchema })
  .meta({ id: 'DlqDepths' });
export const RedriveAnswerSchema = z
  .strictObject({
    queue: DlqNameSchema,
    depthBefore: z.number().int(),
    moved: z.number().int(),
    skipped: z.number().int(),
    failed: z.number().int(),
    movedIds: z.array(z.string()),
    skippedIds: z.array(z.string()),
    failures: z.array(z.strictObject({ id: z.string(), reason: z.string() })),
    returned: z.number().int(),
    drained: z.boolean(),
    stoppedBy: z.string().optional(),
  })
  .meta({ id: 'RedriveAnswer' });

/**
 * The DLQs hold every tenant's mail, and an inbound record names no tenant at all (its tenant comes from
 * the route, later), so no filter by tenant is possible: the ops endpoints are the operator tenant's
 * alone. Any other key, `admin` scope or not, is a 403.
 */
export function requireOperator(principal: Principal, operatorTenant: string | undefined): void {
  if (operatorTenant === undefined) {
    throw new ForbiddenError('this stage has no operator tenant; the ops endpoints are closed');
  }
  if (principal.tenantId !== operatorTenant) {
    throw new ForbiddenError('the ops endpoints are for the operator tenant’s admin keys only');
  }
}

export function dlqName(value: string): DlqName {
  if (isDlqName(value)) return value;
  const message = `unknown queue "${value.slice(0, 40)}"; expected ${DLQ_NAMES.join(' or ')}`;
  throw new ValidationError(message, { details: [{ path: 'queue', message }] });
}

/** `GET /v1/ops/dlq`: each DLQ's approximate depth (GetQueueAttributes). */
export async function dlqDepths(
  principal: Principal,
  deps: Pick<OpsDeps, 'operatorTenant' | 'queues'>,
): Promise<Record<DlqName, DlqDepth>> {
  requireOperator(principal, deps.operatorTenant);
  const [send, inbound] = await Promise.all(DLQ_NAMES.map((name) => deps.queues[name].depth()));
  return { send: send!, inbound: inbound! };
}

export interface RedriveAnswer {
  queue: DlqName;
  depthBefore: number;
  moved: number;
  skipped: number;
  failed: number;
  movedIds: string[];
  skippedIds: string[];
  failures: RedriveFailure[];
  returned: number;
  drained: boolean;
  /** The error code or name that stopped the run early (its message stays in the log). */
  stoppedBy?: string;
}

/**
 * `POST /v1/ops/dlq/{queue}/redrive`: core's redrive (the CLI's `dlq redrive`), at most `max` records
 * and until `shouldStop`. A run that stopped on an error after handling records answers 200 with what
 * it did and `stoppedBy`; one that could not start throws (the contract's 5xx).
 */
export async function redriveDlq(
  principal: Principal,
  queue: string,
  body: RedriveBody,
  deps: OpsDeps,
  shouldStop?: () => boolean,
): Promise<{ answer: RedriveAnswer; error?: unknown }> {
  requireOperator(principal, deps.operatorTenant);
  const name = dlqName(queue);
  const { error, ...run } = await redriveDeadLetters(name, deps.queues[name], {
    ...(name === 'send' && { messages: deps.messages }),
    max: body.max ?? DEFAULT_REDRIVE,
    ...(shouldStop && { shouldStop }),
  });
  if (error !== undefined && run.moved + run.skipped + run.failed === 0) throw error;
  const answer: RedriveAnswer = {
    queue: run.queue,
    depthBefore: run.depthBefore,
    moved: run.moved,
    skipped: run.skipped,
    failed: run.failed,
    movedIds: run.movedIds,
    skippedIds: run.skippedIds,
    failures: run.failures,
    returned: run.returned,
    drained: run.drained,
  };
  if (error !== undefined) {
    answer.stoppedBy =
      error instanceof MailroomError ? error.code : error instanceof Error ? error.name : 'Error';
  }
  return { answer, ...(error !== undefined && { error }) };
}
