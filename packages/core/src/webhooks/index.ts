export {
  SIGNATURE_HEADER,
  DEFAULT_SIGNATURE_TOLERANCE_SECONDS,
  signatureHeader,
  verifySignatureHeader,
} from './signature';
export type { VerifyOptions } from './signature';
export {
  postSignedWebhook,
  WebhookRejectedError,
  WebhookUnavailableError,
  DEFAULT_WEBHOOK_TIMEOUT_MS,
} from './deliver';
export type { SignedPost } from './deliver';
export { postSignedWebhookWithRetries } from './retry';
export type { WebhookRetryPolicy, WebhookRetryHooks, WebhookRetryOutcome } from './retry';
