/**
 * SES receiving: the SMTP ingress (see standins/smtp.ts) on the contract's port. It stores into the
 * inbound stack's ReceiptBucket, publishes to its ReceiptTopic (whose raw subscription feeds the
 * InboundQueue) and looks routes up in its InboundTable — all resolved from the inbound service's
 * own CloudFormation. DynamoDB Local is read straight: injected DynamoDB faults are the services'
 * business, SES's receipt rules do not live in DynamoDB.
 */
import { createDynamoDocumentClient, DynamoRouteStore } from '@mailroom/core/aws';
import { LOCAL_REGION } from '../env';
import { startSmtpIngress } from '../standins/smtp';
import { dynamodbLocal } from './dynamodb-local';
import { definePart } from './part';
import { provisioning } from './provisioning';

export const smtp = definePart({
  name: 'smtp',
  ports: { smtp: { port: 2525, env: 'MAILROOM_SMTP_PORT' } },
  needs: [provisioning, dynamodbLocal],
  /** host:port, SMTP has no URL. */
  endpoints: (ports) => ({ smtp: `localhost:${ports.smtp}` }),
  listing: (endpoints) => [['SMTP ingress', `${endpoints.smtp} (stands in for SES receiving)`]],
  async start({ ports, get, endpointsOf, logger }) {
    const { resolvers, clients } = get(provisioning);
    const doc = createDynamoDocumentClient({
      region: LOCAL_REGION,
      endpoint: endpointsOf(dynamodbLocal).dynamodbLocal,
    });
    try {
      const ingress = await startSmtpIngress({
        port: ports.smtp,
        routes: new DynamoRouteStore(doc, resolvers.inbound.nameOf('InboundTable')),
        s3: clients.s3,
        sns: clients.sns,
        bucket: resolvers.inbound.nameOf('ReceiptBucket'),
        topicArn: resolvers.inbound.attribute('ReceiptTopic', 'TopicArn'),
        logger,
      });
      return {
        value: ingress,
        stop: async () => {
          await ingress.close();
          doc.destroy();
        },
      };
    } catch (error) {
      doc.destroy();
      throw error;
    }
  },
});
