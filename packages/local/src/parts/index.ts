/**
 * The parts of the local cloud. The order is the order `pnpm dev` lists them in; what starts
 * when follows from each part's `needs`. Ports, endpoints and their types derive from this list.
 */
import { dynamodb } from './dynamodb';
import { dynamodbLocal } from './dynamodb-local';
import { fauxqs } from './fauxqs';
import type { Part } from './part';
import { planned } from './planned';
import { provisioning } from './provisioning';
import { seeding } from './seed';
import { sendgrid } from './sendgrid';
import { serviceConfigs } from './service-configs';
import { services } from './services';
import { ses } from './ses';
import { smtp } from './smtp';
import { ssm } from './ssm';

export const PARTS = [
  services,
  planned,
  smtp,
  ses,
  sendgrid,
  fauxqs,
  dynamodb,
  dynamodbLocal,
  ssm,
  serviceConfigs,
  provisioning,
  seeding,
] as const;

type Each = (typeof PARTS)[number];
type PortNamesOf<T> = T extends Part<infer P, string, unknown> ? P : never;
type EndpointNamesOf<T> = T extends Part<string, infer E, unknown> ? E : never;

/** `api`, `ses`, `outboundLambda`…: every port a part declares. */
export type PortName = PortNamesOf<Each>;
export type Ports = Record<PortName, number>;
export type EndpointName = EndpointNamesOf<Each>;
export type Endpoints = Record<EndpointName, string>;
