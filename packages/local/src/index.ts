// Public API of @mailroom/local. Named exports only.
export { startLocalCloud } from './cloud';
export type { LocalCloud, LocalCloudOptions } from './cloud';
export { DEFAULT_PORTS, SERVICE_NAMES, portEnvName, PortError } from './ports';
export type { Ports, PortName, ServiceName, TakenPort } from './ports';
export { findHolder, killCommand, stopHolders } from './holders';
export type { PortHolder } from './holders';
export { DEV_SENDGRID_API_KEY, LOCAL_REGION, printEnv } from './env';
export type { Endpoints } from './parts';
export { DEV_DOMAINS, DEV_ROUTES, DEV_SCOPES, DEV_TENANTS } from './seed';
export { parseFaults, FaultsSyntaxError } from './faults';
export type { Faults } from './faults';
export { startDynamoDbFaultProxy, UnknownOperationError } from './standins/dynamodb-proxy';
export type { DynamoDbFaultProxy, FailNext, FailNextRule } from './standins/dynamodb-proxy';
export { JavaMissingError, JAVA_MISSING } from './emulators/dynamodb';
export { Resolver, LOCAL_ACCOUNT_ID } from './cloudformation/resolver';
export type { Resources } from './cloudformation/resolver';
export { planProvisioning } from './cloudformation/plan';
export { applyPlan, emulatorClients } from './cloudformation/provision';
export { consoleLogger, silentLogger } from './logger';
export type { Logger } from './logger';
export { startSesStandIn } from './standins/ses';
export type { SesStandIn } from './standins/ses';
export { startSendGridStandIn } from './standins/sendgrid';
export { startSsmStandIn } from './standins/ssm';
export type { SsmStandIn } from './standins/ssm';
export { startFauxqs } from './emulators/fauxqs';
export { startSmtpIngress, SES_RECEIVE_MAX_BYTES } from './standins/smtp';
export type { SmtpIngress, SmtpIngressOptions } from './standins/smtp';
export type { SendGridStandIn } from './standins/sendgrid';
export { startFirehoseStandIn, FirehoseError } from './standins/firehose';
export type { FirehoseStandIn, FirehoseStandInOptions } from './standins/firehose';
export {
  generateWebhookKeys,
  signBatch,
  SIGNATURE_HEADER,
  TIMESTAMP_HEADER,
} from './standins/sendgrid-webhook';
export type { WebhookKeys } from './standins/sendgrid-webhook';
export { REJECT_DOMAIN } from './standins/simulator';
export type { SimulatorEvent } from './standins/simulator';
export { printService } from './serverless/print';
export type { ServiceConfig } from './serverless/print';
export { repoRoot } from './paths';
export { localStackOutputs } from './stack-outputs';
export type { LocalOutputsOptions } from './stack-outputs';
