import { MailroomError } from '../errors';
import { SIGNATURE_HEADER, signatureHeader } from './signature';

/** The receiver refused the request (a 4xx other than 408/429): sending it again will not help. */
export class WebhookRejectedError extends MailroomError {
  readonly code = 'WEBHOOK.REJECTED';
  readonly retryable = false;
  readonly httpStatus = 502;
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message);
  }
}

/** The receiver could not be reached, timed out, or answered 5xx/408/429: try again later. */
export class WebhookUnavailableError extends MailroomError {
  readonly code = 'WEBHOOK.UNAVAILABLE';
  readonly retryable = true;
  readonly httpStatus = 502;
  constructor(
    message: string,
    readonly status?: number,
    options: { cause?: unknown } = {},
  ) {
    super(message, options);
  }
}

export interface SignedPost {
  url: string;
  secret: string;
  /** The exact bytes sent and signed. */
  body: string;
  /** Extra headers (e.g. an event or delivery id). */
  headers?: Record<string, string>;
  timeoutMs?: number;
  now?: Date;
}

export const DEFAULT_WEBHOOK_TIMEOUT_MS = 10_000;
const BODY_PREVIEW = 200;

/**
 * POSTs a signed JSON body once. Resolves on 2xx; throws WebhookRejectedError or WebhookUnavailableError
 * otherwise, so callers choose their own retry schedule (queue redelivery, backoff). Redirects are not
 * followed: a receiver that moved must be re-registered.
 */
export async function postSignedWebhook(post: SignedPost): Promise<{ status: number }> {
  let response: Response;
  try {
    response = await fetch(post.url, {
      method: 'POST',
      redirect: 'manual',
      signal: AbortSignal.timeout(post.timeoutMs ?? DEFAULT_WEBHOOK_TIMEOUT_MS),
      headers: {
        'content-type': 'application/json',
        'user-agent': 'Mailroom-Webhooks/1',
        ...post.headers,
        [SIGNATURE_HEADER]: signatureHeader(post.secret, post.body, post.now),
      },
      body: post.body,
    });
  } catch (err) {
    throw new WebhookUnavailableError(
      `webhook ${new URL(post.url).host} unreachable: ${String(err)}`,
      undefined,
      {
        cause: err,
      },
    );
  }
  const text = await response.text().catch(() => '');
  const status = response.status;
  if (status >= 200 && status < 300) return { status };
  const why = `webhook ${new URL(post.url).host} answered ${status}${text ? `: ${text.slice(0, BODY_PREVIEW)}` : ''}`;
  if (status >= 400 && status < 500 && status !== 408 && status !== 429)
    throw new WebhookRejectedError(why, status);
  throw new WebhookUnavailableError(why, status);
}
