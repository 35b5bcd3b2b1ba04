import { ConfigError, type RouteDestination } from '@mailroom/core';
import type { Destination, DestinationFactory } from './port';
import { storeDestination } from './store';

type Builders = {
  [T in Exclude<RouteDestination['type'], 'store'>]?: (
    destination: Extract<RouteDestination, { type: T }>,
  ) => Destination;
};

/**
 * The route's destination: store-only here, webhook and queue from the builders given. A type without a
 * builder is a ConfigError (retryable: a deploy that adds it lets the retry schedule deliver the mail).
 */
export const destinationFactory =
  (builders: Builders): DestinationFactory =>
  (destination) => {
    switch (destination.type) {
      case 'store':
        return storeDestination;
      case 'webhook':
        if (builders.webhook) return builders.webhook(destination);
        break;
      case 'queue':
        if (builders.queue) return builders.queue(destination);
        break;
    }
    throw new ConfigError(`no ${destination.type} destination is configured in this deployment`);
  };
