import {
  InMemoryDeadLetterQueue,
  InMemoryDomainStore,
  InMemoryMessageStore,
  InMemoryRouteStore,
  InMemoryTenantStore,
} from '@mailroom/core/testing';
import type { IdentityState, SesIdentities } from '@mailroom/outbound/src/domains/identities';
import { runCli } from '../../src/cli';
import type { Context, QueueName, SecretStore } from '../../src/context';

/** Parameter Store in a Map. */
export class MemorySecrets implements SecretStore {
  readonly values = new Map<string, string>();
  async put(name: string, value: string) {
    this.values.set(name, value);
  }
  async remove(name: string) {
    this.values.delete(name);
  }
}

/** SES identities in a Map; `verify(domain)` plays SES finding the DKIM records. */
export class MemoryIdentities implements SesIdentities {
  readonly identities = new Map<string, IdentityState>();
  failGet?: Error;
  async create(domain: string, tags: Record<string, string>) {
    if (this.identities.has(domain)) return 'exists' as const;
    const state: IdentityState = {
      status: 'pending',
      dkimStatus: 'pending',
      dkimTokens: ['t1', 't2', 't3'],
      tags,
    };
    this.identities.set(domain, state);
    return state;
  }
  async get(domain: string) {
    if (this.failGet) throw this.failGet;
    return this.identities.get(domain);
  }
  async remove(domain: string) {
    this.identities.delete(domain);
  }
  async setMailFrom(domain: string, mailFrom: string) {
    const s = this.identities.get(domain);
    if (s) s.mailFrom = mailFrom;
  }
  verify(domain: string) {
    const s = this.identities.get(domain)!;
    s.status = 'verified';
    s.dkimStatus = 'success';
  }
}

export interface World {
  tenants: InMemoryTenantStore;
  domains: InMemoryDomainStore;
  routes: InMemoryRouteStore;
  messages: InMemoryMessageStore;
  secrets: MemorySecrets;
  identities: MemoryIdentities;
  queues: Record<QueueName, InMemoryDeadLetterQueue>;
  /** What stdin gives readSecret. */
  stdin: string;
}

export const newWorld = (): World => ({
  tenants: new InMemoryTenantStore(),
  domains: new InMemoryDomainStore(),
  routes: new InMemoryRouteStore(),
  messages: new InMemoryMessageStore(),
  secrets: new MemorySecrets(),
  identities: new MemoryIdentities(),
  queues: {
    send: new InMemoryDeadLetterQueue('http://sqs/send', 'http://sqs/send-dlq'),
    inbound: new InMemoryDeadLetterQueue('http://sqs/inbound', 'http://sqs/inbound-dlq'),
  },
  stdin: '',
});

export interface Run {
  code: number;
  stdout: string;
  stderr: string;
  /** stdout parsed, for --json runs. */
  json: () => any; // eslint-disable-line @typescript-eslint/no-explicit-any -- tests read fields freely
}

/** Runs the CLI in process against the world's in-memory ports. */
export async function cli(world: World, ...argv: string[]): Promise<Run> {
  const out: string[] = [];
  const err: string[] = [];
  const io = {
    out: (t: string) => void out.push(t),
    err: (t: string) => void err.push(t),
    readSecret: async () => world.stdin,
  };
  const code = await runCli(argv, {
    io,
    connect: ({ stage }): Context => ({
      stage: stage ?? 'local',
      io,
      tenants: async () => world.tenants,
      domains: async () => ({ domains: world.domains, identities: world.identities, region: 'us-east-1' }),
      routes: async () => world.routes,
      messages: async () => world.messages,
      secrets: async () => world.secrets,
      queues: async (name) => world.queues[name],
    }),
  });
  const stdout = out.join('\n');
  return { code, stdout, stderr: err.join('\n'), json: () => JSON.parse(stdout) };
}
