import type { SQSClient } from '@aws-sdk/client-sqs';
import type { RouteDestination } from '@mailroom/core';
import type { Destination, DestinationFactory } from './port';
import { QueueDestination } from './queue';
import { WebhookDestination, type WebhookDestinationDeps } from './webhook';

export interface DestinationDeps {
  sqs: Pick<SQSClient, 'send'>;
  webhook: WebhookDestinationDeps;
}

/** Store-only routes: the parsed mail is already stored before dispatch; nothing more to do. */
export const storeOnly: Destination = { deliver: async () => {} };

export function createDestinationFactory(deps: DestinationDeps): DestinationFactory {
  return (destination: RouteDestination): Destination => {
    switch (destination.type) {
      case 'store':
        return storeOnly;
      case 'webhook':
        return new WebhookDestination(destination, deps.webhook);
      case 'queue':
        return new QueueDestination(destination.queueUrl, deps.sqs);
    }
  };
}
