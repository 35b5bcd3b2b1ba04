import type { KeyObject } from 'node:crypto';
import { putEvents, type PutEventsOptions, type PutEventsResult } from './put-events';
import type { EventStream } from './stream/port';
import { rawBodyBytes, type RawBody } from './webhook/raw-body';
import { verifySignedBatch } from './webhook/verify';

export interface WebhookDeps {
  publicKey: () => Promise<KeyObject>;
  stream: EventStream;
  maxAgeSeconds: number;
  now?: () => Date;
  put?: PutEventsOptions;
}

export interface WebhookRequest extends RawBody {
  signature: string | undefined;
  timestamp: string | undefined;
}

/**
 * `POST /webhooks/sendgrid` (docs/events.md): refuses a body over 1 MiB (413) before decoding it, checks
 * the signature and timestamp (401), requires a JSON array (400), then hands every event to the stream.
 * Resolves only once the stream has accepted all of them; nothing is put unless the request verified.
 */
export async function receiveSendGridWebhook(
  request: WebhookRequest,
  deps: WebhookDeps,
): Promise<PutEventsResult> {
  const body = rawBodyBytes(request);
  const events = verifySignedBatch(
    { signature: request.signature, timestamp: request.timestamp, body },
    {
      publicKey: await deps.publicKey(),
      maxAgeSeconds: deps.maxAgeSeconds,
      ...(deps.now && { now: deps.now }),
    },
  );
  return putEvents(deps.stream, events, deps.put);
}
