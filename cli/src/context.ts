import type {
  DeadLetterQueue,
  DlqName,
  DomainStore,
  MessageStore,
  RouteStore,
  TenantStore,
} from '@mailroom/core';
import type { SesIdentities } from '@mailroom/outbound/src/domains/identities';
import type { Io } from './io';

/** Parameter Store, as far as the CLI writes it: tenants' provider keys and routes' webhook secrets. */
export interface SecretStore {
  /** Stores `value` as a SecureString, replacing what was there. */
  put(name: string, value: string): Promise<void>;
  /** Deletes the parameter; one already gone is fine. */
  remove(name: string): Promise<void>;
}

/** The queues `dlq list` and `dlq redrive` work on; the port and its rules live in core. */
export type QueueName = DlqName;

/** The sending-domain parts of outbound's domain use cases. */
export interface DomainParts {
  domains: DomainStore;
  identities: SesIdentities;
  /** The SES region, which names the MAIL FROM MX host. */
  region: string;
}

/**
 * What commands run against, built lazily so that a command touches only the stacks it needs (a
 * `route list` reads no outbound output). connect.ts builds the real one; tests pass in-memory twins.
 */
export interface Context {
  /** `local`, or the deployed stage given with `--stage`. */
  stage: string;
  io: Io;
  tenants(): Promise<TenantStore>;
  domains(): Promise<DomainParts>;
  routes(): Promise<RouteStore>;
  messages(): Promise<Pick<MessageStore, 'get'>>;
  secrets(): Promise<SecretStore>;
  queues(name: QueueName): Promise<DeadLetterQueue>;
  /** `lake query`: runs `pnpm lake:query` with these arguments when this build has it; its exit code. */
  lakeQuery?(args: readonly string[]): Promise<number>;
}

/** Parameter Store names (README "Configuration"): per tenant, and per route by its pattern's hash. */
export const parameterNames = (stage: string) => ({
  sendgridKey: (tenantId: string) => `/mailroom/${stage}/tenants/${tenantId}/sendgrid-api-key`,
  routeSecret: (patternHash: string) => `/mailroom/${stage}/inbound/routes/${patternHash}/secret`,
});
