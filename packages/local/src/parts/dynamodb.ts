/**
 * DynamoDB as services and clients reach it: the fault proxy (standins/dynamodb-proxy.ts) on the
 * contract's port, in front of DynamoDB Local. MAILROOM_FAULTS `dynamodb.*` and `failNext` act here.
 */
import { startDynamoDbFaultProxy } from '../standins/dynamodb-proxy';
import { dynamodbLocal } from './dynamodb-local';
import { definePart, localUrl } from './part';

export const dynamodb = definePart({
  name: 'dynamodb',
  ports: { dynamodb: { port: 8000, env: 'MAILROOM_DYNAMODB_PORT' } },
  needs: [dynamodbLocal],
  endpoints: (ports) => ({ dynamodb: localUrl(ports.dynamodb) }),
  env: (endpoints) => ({ MAILROOM_DYNAMODB_ENDPOINT: endpoints.dynamodb }),
  listing: (endpoints) => [['DynamoDB', endpoints.dynamodb]],
  async start({ ports, faults, endpointsOf }) {
    const proxy = await startDynamoDbFaultProxy({
      port: ports.dynamodb,
      upstream: endpointsOf(dynamodbLocal).dynamodbLocal,
      faults: faults.dynamodb,
    });
    return { value: proxy, stop: proxy.close };
  },
});
