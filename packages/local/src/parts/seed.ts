/** The dev tenants, keys and inbound routes (see seed.ts), written once the tables exist. */
import { LOCAL_REGION } from '../env';
import { seed } from '../seed';
import { dynamodbLocal } from './dynamodb-local';
import { definePart, nothingToStop } from './part';
import { provisioning } from './provisioning';

export const seeding = definePart({
  name: 'seed',
  ports: {},
  needs: [provisioning, dynamodbLocal],
  enabled: (options) => options.seed,
  async start({ get, endpointsOf }) {
    const { resolvers } = get(provisioning);
    await seed({
      region: LOCAL_REGION,
      dynamodbEndpoint: endpointsOf(dynamodbLocal).dynamodbLocal,
      tenantsTable: resolvers.outbound.nameOf('TenantsTable'),
      inboundTable: resolvers.inbound.nameOf('InboundTable'),
    });
    return { value: undefined, stop: nothingToStop };
  },
});
