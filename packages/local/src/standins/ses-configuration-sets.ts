/**
 * SES v2 configuration sets and their Firehose event destinations for the SES stand-in
 * (aws-ses-v2-local has none), over the REST-JSON API the AWS SDK speaks: CreateConfigurationSet,
 * GetConfigurationSet, DeleteConfigurationSet, CreateConfigurationSetEventDestination and
 * GetConfigurationSetEventDestinations. Provisioning creates the services' own through it; a send
 * naming a set then publishes its events to the set's streams (ses-events.ts).
 * https://docs.aws.amazon.com/ses/latest/APIReference-V2/API_CreateConfigurationSetEventDestination.html
 */
import { sesError, type SesErrorAnswer } from './ses-requests';
import { asObject, bad, json, ok, resourcePath } from './ses-v2-rest';

export interface FirehoseDestination {
  name: string;
  enabled: boolean;
  /** SES v2 names: SEND, DELIVERY, BOUNCE, COMPLAINT… */
  matchingEventTypes: string[];
  deliveryStreamArn: string;
  iamRoleArn?: string;
}

export interface SesConfigurationSets {
  /** The answer to a configuration-set request, or undefined when the request is not one. */
  handle(method: string, path: string, body: Buffer): SesErrorAnswer | undefined;
  exists(name: string): boolean;
  /** The enabled destinations of `set` that take `eventType` (SES v2 name, e.g. DELIVERY). */
  destinationsFor(set: string, eventType: string): FirehoseDestination[];
}

const PREFIX = '/v2/email/configuration-sets';
const NAME = /^[a-zA-Z0-9_-]{1,64}$/;
// https://docs.aws.amazon.com/ses/latest/APIReference-V2/API_EventDestinationDefinition.html
const EVENT_TYPES = new Set([
  'SEND',
  'REJECT',
  'BOUNCE',
  'COMPLAINT',
  'DELIVERY',
  'OPEN',
  'CLICK',
  'RENDERING_FAILURE',
  'DELIVERY_DELAY',
  'SUBSCRIPTION',
]);

const notFound = (name: string) =>
  sesError('v2', 404, 'NotFoundException', `Configuration set <${name}> does not exist.`);

export function sesConfigurationSets(): SesConfigurationSets {
  const sets = new Map<string, Map<string, FirehoseDestination>>();

  const create = (body: Buffer) => {
    const name = json(body).ConfigurationSetName;
    if (typeof name !== 'string' || !NAME.test(name))
      return bad(`Invalid configuration set name: ${String(name)}`);
    if (sets.has(name)) {
      return sesError('v2', 400, 'AlreadyExistsException', `Configuration set <${name}> already exists.`);
    }
    sets.set(name, new Map());
    return ok({});
  };

  const createDestination = (set: string, destinations: Map<string, FirehoseDestination>, body: Buffer) => {
    const input = json(body);
    const name = input.EventDestinationName;
    if (typeof name !== 'string' || !NAME.test(name))
      return bad(`Invalid event destination name: ${String(name)}`);
    if (destinations.has(name)) {
      return sesError(
        'v2',
        400,
        'AlreadyExistsException',
        `Event destination ${name} already exists in <${set}>.`,
      );
    }
    const definition = asObject(input.EventDestination);
    const types = Array.isArray(definition.MatchingEventTypes) ? definition.MatchingEventTypes : [];
    const unknown = types.find((t) => typeof t !== 'string' || !EVENT_TYPES.has(t));
    if (types.length === 0 || unknown !== undefined) {
      return bad(
        `MatchingEventTypes must name event types SES publishes, not ${JSON.stringify(unknown ?? types)}.`,
      );
    }
    const firehose = asObject(definition.KinesisFirehoseDestination);
    const arn = firehose.DeliveryStreamArn;
    if (
      typeof arn !== 'string' ||
      !/^arn:aws:firehose:[a-z0-9-]+:\d{12}:deliverystream\/[\w.-]+$/.test(arn)
    ) {
      // SNS, CloudWatch, Pinpoint and EventBridge destinations have no local receiver.
      return bad('Only a KinesisFirehoseDestination with a DeliveryStreamArn is delivered locally.');
    }
    destinations.set(name, {
      name,
      enabled: definition.Enabled !== false,
      matchingEventTypes: types as string[],
      deliveryStreamArn: arn,
      iamRoleArn: typeof firehose.IamRoleArn === 'string' ? firehose.IamRoleArn : undefined,
    });
    return ok({});
  };

  return {
    handle(method, path, body) {
      const resource = resourcePath(PREFIX, path);
      if (resource === undefined) return undefined;
      if (resource === 'collection') return method === 'POST' ? create(body) : undefined;
      const { encoded, sub, rest } = resource;
      let name: string;
      try {
        name = decodeURIComponent(encoded);
      } catch {
        return bad(`Invalid configuration set name: ${encoded}`);
      }
      const destinations = sets.get(name);
      if (!destinations) return notFound(name);
      if (sub === undefined) {
        if (method === 'GET') return ok({ ConfigurationSetName: name, Tags: [] });
        if (method === 'DELETE') {
          sets.delete(name);
          return ok({});
        }
        return undefined;
      }
      if (sub !== 'event-destinations' || rest.length > 0) return undefined;
      if (method === 'POST') return createDestination(name, destinations, body);
      if (method === 'GET') {
        return ok({
          EventDestinations: [...destinations.values()].map((d) => ({
            Name: d.name,
            Enabled: d.enabled,
            MatchingEventTypes: d.matchingEventTypes,
            KinesisFirehoseDestination: { DeliveryStreamArn: d.deliveryStreamArn, IamRoleArn: d.iamRoleArn },
          })),
        });
      }
      return undefined;
    },
    exists: (name) => sets.has(name),
    destinationsFor: (set, eventType) =>
      [...(sets.get(set)?.values() ?? [])].filter(
        (d) => d.enabled && d.matchingEventTypes.includes(eventType),
      ),
  };
}
