/**
 * Amazon DynamoDB Local (Java), in memory (see emulators/dynamodb.ts), on a port of its own: the
 * contract's DynamoDB port belongs to the fault proxy in front of it (parts/dynamodb.ts).
 * Provisioning and seeding talk to it straight, so injected faults never break a start.
 */
import { checkJava, startDynamoDb } from '../emulators/dynamodb';
import { definePart, localUrl } from './part';

export const dynamodbLocal = definePart({
  name: 'dynamodb-local',
  ports: { dynamodbLocal: { port: 0, env: 'MAILROOM_DYNAMODB_LOCAL_PORT' } },
  needs: [],
  check: checkJava,
  endpoints: (ports) => ({ dynamodbLocal: localUrl(ports.dynamodbLocal) }),
  async start({ ports, logger }) {
    const child = await startDynamoDb(ports.dynamodbLocal, logger);
    return { value: undefined, processes: [child], stop: () => child.stop() };
  },
});
