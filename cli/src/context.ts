import type { DomainStore, MessageStore, RouteStore, TenantStore } from '@mailroom/core';
import type { SesIdentities } from '@mailroom/outbound/src/domains/identities';
import type { Io } from './io';

/** Parameter Store, as far as the CLI writes it: tenants' provider keys and routes' webhook secrets. */
export interface SecretStore {
  /** Stores `value` as a SecureString, replacing what was there. */
  put(name: string, value: string): Promise<void>;
  /** Deletes the parameter; one already gone is fine. */
  remove(name: string): Promise<void>;
}

/** One record of a dead-letter queue, as received (hidden from other readers until revealed or removed). */
export interface DlqRecord {
  /** SQS's id of this record (not Mailroom's). */
  sqsMessageId: string;
  body: string;
  receiptHandle: string;
  /** How often it was received, its receives before it was dead-lettered included. */
  receiveCount?: number;
}

/** A queue and its dead-letter queue: what `dlq list` and `dlq redrive` work on. */
export interface DeadLetterQueues {
  sourceUrl: string;
  dlqUrl: string;
  /** Records waiting in the DLQ (visible) and records someone is reading (in flight); approximate on AWS. */
  depth(): Promise<{ visible: number; inFlight: number }>;
  /** Up to `max` (≤ 10) records, hidden for `hideSeconds`. */
  receive(max: number, hideSeconds: number): Promise<DlqRecord[]>;
  /** Makes records visible again at once. */
  reveal(receiptHandles: readonly string[]): Promise<void>;
  /** Sends a body to the source queue. */
  sendToSource(body: string): Promise<void>;
  /** Deletes a record from the DLQ. */
  remove(receiptHandle: string): Promise<void>;
}

export type QueueName = 'send' | 'inbound';

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
  queues(name: QueueName): Promise<DeadLetterQueues>;
  /** `lake query`: runs `pnpm lake:query` with these arguments when this build has it; its exit code. */
  lakeQuery?(args: readonly string[]): Promise<number>;
}

/** Parameter Store names (README "Configuration"): per tenant, and per route by its pattern's hash. */
export const parameterNames = (stage: string) => ({
  sendgridKey: (tenantId: string) => `/mailroom/${stage}/tenants/${tenantId}/sendgrid-api-key`,
  routeSecret: (patternHash: string) => `/mailroom/${stage}/inbound/routes/${patternHash}/secret`,
});
