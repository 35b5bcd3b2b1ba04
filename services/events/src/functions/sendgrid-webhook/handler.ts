import { receiveSendGridWebhook, type WebhookDeps } from '../../receive-webhook';
import { SIGNATURE_HEADER, TIMESTAMP_HEADER } from '../../webhook/verify';
import { logger, route, webhookDeps } from '../../wiring';

/** `POST /webhooks/sendgrid`, with its deps given (tests hand in an in-memory stream). */
export const sendGridWebhookHandler = (deps: () => Promise<WebhookDeps>) =>
  route({ scope: null }, async ({ event, header }) => {
    const result = await receiveSendGridWebhook(
      {
        body: event.body,
        isBase64Encoded: event.isBase64Encoded,
        signature: header(SIGNATURE_HEADER),
        timestamp: header(TIMESTAMP_HEADER),
      },
      await deps(),
    );
    logger.info('sendgrid events handed to the stream', { ...result });
    return { status: 204 };
  });

export const handler = sendGridWebhookHandler(webhookDeps);
