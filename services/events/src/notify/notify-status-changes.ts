import type { Logger } from '@aws-lambda-powertools/logger';
import {
  backoffCeiling,
  postSignedWebhook,
  postSignedWebhookWithRetries,
  WebhookUnavailableError,
  type WebhookEndpoint,
  type WebhookEndpointStore,
} from '@mailroom/core';
import type { DynamoDBBatchResponse, DynamoDBRecord } from 'aws-lambda';
import type { DeadLetters } from './dead-letters';
import type { EndpointDirectory } from './directory';
import { statusWebhookBody } from './payload';
import { statusChangeOf, type StatusChange } from './status-change';

/** Retries inside one invocation: full-jitter backoff between attempts, each POST bounded by `timeoutMs`. */
export interface NotifyPolicy {
  attempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
  timeoutMs: number;
}

export const DEFAULT_NOTIFY_POLICY: NotifyPolicy = {
  attempts: 3,
  baseDelayMs: 1_000,
  maxDelayMs: 4_000,
  timeoutMs: 5_000,
};

export type NotifyLogger = Pick<Logger, 'info' | 'warn' | 'error'>;

export interface NotifyDeps {
  directory: Pick<EndpointDirectory, 'activeEndpoints' | 'secret'>;
  health: Pick<WebhookEndpointStore, 'recordFailure' | 'recordSuccess'>;
  deadLetters: DeadLetters;
  logger: NotifyLogger;
  policy?: NotifyPolicy;
  post?: typeof postSignedWebhook;
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
  now?: () => Date;
}

export interface NotifyOptions {
  /** The invocation's time left (Lambda context); unbounded when absent. */
  remainingMs?: () => number;
}

/** Time kept back for the DLQ message and the failure count after the last attempt. */
const WRAP_UP_MS = 2_000;

/** The longest one delivery can take: every attempt timing out, every backoff at its ceiling. */
export const worstCaseMs = (p: NotifyPolicy): number => {
  let total = p.attempts * p.timeoutMs + WRAP_UP_MS;
  for (let i = 0; i < p.attempts - 1; i++)
    total += backoffCeiling(i, { baseMs: p.baseDelayMs, capMs: p.maxDelayMs });
  return total;
};

/**
 * Posts every status change of a stream batch to the tenant's active endpoints subscribed to the new
 * status (docs/status-webhooks.md). Records go in stream order, a record's endpoints side by side. A
 * delivery that still fails after its retries (or at once, on a 4xx) goes to the notify DLQ and counts
 * toward disabling its endpoint, and the batch moves on: one bad endpoint never holds the shard. An
 * endpoint whose retries ran out is not tried again within the same invocation (its later deliveries go
 * straight to the DLQ), which bounds the invocation's time. Only what the platform could not do (read
 * the endpoints or a secret, write to the DLQ), or too little time left, reports the record as a batch
 * item failure, so Lambda hands it over again from there.
 */
export async function notifyStatusChanges(
  records: readonly DynamoDBRecord[],
  deps: NotifyDeps,
  options: NotifyOptions = {},
): Promise<DynamoDBBatchResponse> {
  const policy = deps.policy ?? DEFAULT_NOTIFY_POLICY;
  const failing = new Set<string>();
  for (const record of records) {
    const change = statusChangeOf(record);
    if (!change) continue;
    const retryFromHere = { batchItemFailures: [{ itemIdentifier: record.dynamodb?.SequenceNumber ?? '' }] };
    if (options.remainingMs && options.remainingMs() < worstCaseMs(policy)) {
      deps.logger.info('status webhooks: too little time left, the rest of the batch comes again', {
        messageId: change.messageId,
      });
      return retryFromHere;
    }
    try {
      await notifyChange(change, deps, policy, failing, options);
    } catch (error) {
      deps.logger.error('status webhooks: could not process a status change; it comes again', {
        messageId: change.messageId,
        tenantId: change.tenantId,
        error,
      });
      return retryFromHere;
    }
  }
  return { batchItemFailures: [] };
}

async function notifyChange(
  change: StatusChange,
  deps: NotifyDeps,
  policy: NotifyPolicy,
  failing: Set<string>,
  options: NotifyOptions,
): Promise<void> {
  const endpoints = (await deps.directory.activeEndpoints(change.tenantId)).filter((e) =>
    e.events.includes(change.status),
  );
  const results = await Promise.allSettled(
    endpoints.map((endpoint) => deliver(change, endpoint, deps, policy, failing, options)),
  );
  const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) throw failed.reason;
}

async function deliver(
  change: StatusChange,
  endpoint: WebhookEndpoint,
  deps: NotifyDeps,
  policy: NotifyPolicy,
  failing: Set<string>,
  options: NotifyOptions,
): Promise<void> {
  const now = deps.now ?? (() => new Date());
  const body = statusWebhookBody(change, endpoint.id);
  const text = JSON.stringify(body);
  let attempts = 0;
  let error: string;
  let countsAgainstEndpoint = true;

  if (failing.has(endpoint.id)) {
    error = 'not tried: the endpoint failed all attempts earlier in this batch';
  } else {
    const secret = await deps.directory.secret(endpoint.secretParameter);
    if (secret === null) {
      // Only while the endpoint is being deleted (its secret goes first): not the receiver's fault.
      error = 'no signing secret (the endpoint is being deleted)';
      countsAgainstEndpoint = false;
    } else {
      const left = options.remainingMs;
      const outcome = await postSignedWebhookWithRetries(
        {
          url: endpoint.url,
          secret,
          body: text,
          headers: { 'Mailroom-Delivery-Id': body.id },
          timeoutMs: policy.timeoutMs,
        },
        { attempts: policy.attempts, baseMs: policy.baseDelayMs, capMs: policy.maxDelayMs },
        {
          ...(deps.post && { post: deps.post }),
          ...(deps.sleep && { sleep: deps.sleep }),
          ...(deps.random && { random: deps.random }),
          // A 4xx (or anything but an unavailable receiver): sending it again will not help.
          retryable: (err) => err instanceof WebhookUnavailableError,
          ...(left && { mayWait: (wait: number) => left() >= wait + policy.timeoutMs + WRAP_UP_MS }),
        },
      );
      attempts = outcome.attempts;
      if (outcome.delivered) {
        if (endpoint.failures > 0) {
          await deps.health.recordSuccess(endpoint.tenantId, endpoint.id).catch((err: unknown) => {
            deps.logger.warn('status webhooks: could not reset the failure count', {
              endpointId: endpoint.id,
              error: err,
            });
          });
        }
        return;
      }
      error = outcome.error instanceof Error ? outcome.error.message : String(outcome.error);
      if (outcome.retryable) failing.add(endpoint.id);
    }
  }

  await deps.deadLetters.send({
    kind: 'mailroom.webhook.failed',
    endpointId: endpoint.id,
    tenantId: endpoint.tenantId,
    url: endpoint.url,
    body,
    attempts,
    error,
    failedAt: now().toISOString(),
  });
  deps.logger.info('status webhook failed; sent to the notify DLQ', {
    endpointId: endpoint.id,
    tenantId: endpoint.tenantId,
    attempts,
    error,
  });
  if (!countsAgainstEndpoint) return;
  const recorded = await deps.health
    .recordFailure(endpoint.tenantId, endpoint.id, error)
    .catch((err: unknown) => {
      deps.logger.warn('status webhooks: could not count a failed delivery', {
        endpointId: endpoint.id,
        error: err,
      });
      return null;
    });
  if (recorded?.disabled) {
    deps.logger.warn('status webhook endpoint disabled after sustained failures', {
      endpointId: endpoint.id,
      tenantId: endpoint.tenantId,
      failures: recorded.failures,
    });
  }
}
