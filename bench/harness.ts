import { fork } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { startLocalCloud, type LocalCloud } from '@mailroom/local';
import type { SendDeps } from '../services/outbound/src/send-message';
import { createSendDeps } from '../services/outbound/src/wiring';
import { queueMessage, queueRecord as record } from '@mailroom/core/testing';
import { outboundConfigFor } from './outbound';
import type { SesProcessRequest } from './ses-process';

export { queueMessage, record };

const silent = { info: () => undefined, warn: () => undefined, error: () => undefined };

/**
 * What the benchmarks mirror of the deployed send function, read from services/outbound/serverless.yml:
 * its SQS event source's default maximum concurrency, and its NODE_OPTIONS.
 */
export function deployedSendFunction(): { maxConcurrency: number; nodeOptions: string[] } {
  const yml = readFileSync(join(__dirname, '..', 'services', 'outbound', 'serverless.yml'), 'utf8');
  const concurrency = /sendMaxConcurrency: \$\{param:sendMaxConcurrency, (\d+)\}/.exec(yml);
  const nodeOptions = /^ {2}send:\n(?:(?! {2}\S).*\n)*? +NODE_OPTIONS: (.+)$/m.exec(yml);
  if (!concurrency || !nodeOptions)
    throw new Error(
      'services/outbound/serverless.yml: no sendMaxConcurrency default, or no NODE_OPTIONS on send',
    );
  return { maxConcurrency: Number(concurrency[1]), nodeOptions: nodeOptions[1]!.trim().split(/\s+/) };
}

/**
 * A local cloud without services (DynamoDB Local, fauxqs, SES stand-in; tables provisioned from
 * services/outbound/serverless.yml) and the send use case's real deps against it. `delay` only
 * records what the use case asked for: bench records are not on a real queue; no tenant shares. `containerDeps()`
 * builds another set from the same config, as another Lambda container would (own clients, own
 * budget instance, sharing the budget item in DynamoDB).
 */
export async function sendBench(overrides: Record<string, string> = {}) {
  const cloud: LocalCloud = await startLocalCloud({ ports: 'auto', services: false });
  const delays: number[] = [];
  /** Copies the use case put back to wait for the budget (bench records are not on a real queue). */
  const requeues: Array<{ body: string; delaySeconds: number }> = [];
  const config = outboundConfigFor(cloud, overrides);
  const containerDeps = async (): Promise<SendDeps> => ({
    ...(await createSendDeps(config)),
    // One tenant's mail measured against the account budget: its share would cap it at half
    // (tenant-fairness.ts measures the shares).
    tenantShare: undefined,
    logger: silent,
    delay: async (_handle, seconds) => void delays.push(seconds),
    requeue: async (body, delaySeconds) => void requeues.push({ body, delaySeconds }),
    deadLetter: async () => undefined,
  });
  return { cloud, config, deps: await containerDeps(), containerDeps, delays, requeues };
}

/**
 * Counts the DynamoDB requests the use case makes, by command, by wrapping the document client's
 * `send` (the copy of @aws-sdk/lib-dynamodb that @mailroom/core resolves). Measurement only.
 */
export function countDynamoRequests(): { counts: () => Record<string, number>; reset(): void } {
  const proto = fromCore<Sendable>('@aws-sdk/lib-dynamodb', 'DynamoDBDocumentClient').prototype;
  const original = proto.send;
  let counts: Record<string, number> = {};
  if (!(original as { counted?: true }).counted) {
    const counted = Object.assign(
      function (this: unknown, command: { constructor: { name: string } }, ...rest: unknown[]) {
        const name = command.constructor.name.replace(/Command$/, '');
        counts[name] = (counts[name] ?? 0) + 1;
        return original.call(this, command, ...rest);
      },
      { counted: true as const },
    );
    proto.send = counted as typeof proto.send;
  }
  return {
    counts: () => ({ ...counts }),
    reset: () => void (counts = {}),
  };
}

type Sendable = { prototype: { send: (...args: unknown[]) => unknown } };

/** The class of `pkg` that @mailroom/core resolves (the copy the send path's clients come from). */
export function fromCore<T>(pkg: string, name: string): T {
  const load = createRequire(join(__dirname, '..', 'packages', 'core', 'src', 'index.ts'));
  return (load(pkg) as Record<string, T>)[name]!;
}

const latencyMs = { dynamodb: 0, ses: 0 };
let latencyPatched = false;

/**
 * A network model for the local emulators, which answer over loopback: every DynamoDB request and
 * every SES request made by the send path's clients waits the given milliseconds before it goes out,
 * as if it crossed a network. Zero (the start) adds nothing. Measurement harness only.
 */
export function networkLatency(ms: { dynamodb: number; ses: number }): void {
  Object.assign(latencyMs, ms);
  if (latencyPatched) return;
  latencyPatched = true;
  const delayed = (cls: Sendable, which: keyof typeof latencyMs) => {
    const original = cls.prototype.send;
    cls.prototype.send = async function (this: unknown, ...args: unknown[]) {
      const wait = latencyMs[which];
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      return original.apply(this, args);
    };
  };
  delayed(fromCore<Sendable>('@aws-sdk/lib-dynamodb', 'DynamoDBDocumentClient'), 'dynamodb');
  delayed(fromCore<Sendable>('@aws-sdk/client-sesv2', 'SESv2Client'), 'ses');
}

/** CPU milliseconds used so far by this process and by each child process group of the cloud. */
export function cpuMs(cloud: LocalCloud): { bench: number } & Record<string, number> {
  const own = process.cpuUsage();
  const groups: Record<string, number> = {};
  const ticks = 100; // USER_HZ on Linux
  for (const { label } of cloud.processes) groups[label] = 0;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
    } catch {
      continue; // exited meanwhile
    }
    // Fields after the parenthesised command: state ppid pgrp … utime(14) stime(15).
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const pgrp = Number(fields[2]);
    const child = cloud.processes.find((p) => p.pid === pgrp);
    if (child) groups[child.label]! += ((Number(fields[11]) + Number(fields[12])) * 1000) / ticks;
  }
  return { ...groups, bench: (own.user + own.system) / 1000 };
}

type SesStats = { accepted: number; throttledOverQuota: number; loopDelayMax: number };
type Distribute<T> = T extends unknown ? Omit<T, 'id'> : never;

/** The SES stand-in in a child process of its own (ses-process.ts): its endpoint and its controls. */
export async function startSesProcess() {
  const child = fork(join(__dirname, 'ses-process.ts'), [], {
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const pending = new Map<number, (answer: { stats?: SesStats }) => void>();
  let next = 0;
  const { port, raised } = await new Promise<{ port: number; raised: boolean }>((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`SES process exited with ${code} before it was ready`)));
    child.on(
      'message',
      (m: { ready?: true; port?: number; raised?: boolean; id?: number; stats?: SesStats }) => {
        if (m.ready) resolve({ port: m.port!, raised: m.raised === true });
        else if (m.id !== undefined) pending.get(m.id)?.(m);
      },
    );
  });
  const ask = (request: Distribute<SesProcessRequest>) =>
    new Promise<{ stats?: SesStats }>((resolve) => {
      const id = (next += 1);
      pending.set(id, (answer) => (pending.delete(id), resolve(answer)));
      child.send({ ...request, id });
    });
  return {
    endpoint: `http://127.0.0.1:${port}`,
    /** Whether the stand-in runs at a raised scheduling priority (ses-process.ts). */
    priorityRaised: raised,
    setMaxSendRate: async (rate: number) => void (await ask({ op: 'setMaxSendRate', rate })),
    stats: async () => (await ask({ op: 'stats' })).stats!,
    stop: () =>
      new Promise<void>((resolve) => {
        child.removeAllListeners('exit');
        child.once('exit', () => resolve());
        child.disconnect();
      }),
  };
}
