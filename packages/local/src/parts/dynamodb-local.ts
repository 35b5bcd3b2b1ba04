/** Amazon DynamoDB Local (Java), in memory (see emulators/dynamodb.ts). */
import { checkJava, startDynamoDb } from '../emulators/dynamodb';
import { definePart, localUrl } from './part';

export const dynamodbLocal = definePart({
  name: 'dynamodb-local',
  ports: { dynamodb: { port: 8000, env: 'MAILROOM_DYNAMODB_PORT' } },
  needs: [],
  check: checkJava,
  endpoints: (ports) => ({ dynamodb: localUrl(ports.dynamodb) }),
  env: (endpoints) => ({ MAILROOM_DYNAMODB_ENDPOINT: endpoints.dynamodb }),
  listing: (endpoints) => [['DynamoDB', endpoints.dynamodb]],
  async start({ ports, logger }) {
    const child = await startDynamoDb(ports.dynamodb, logger);
    return { value: undefined, processes: [child], stop: () => child.stop() };
  },
});
