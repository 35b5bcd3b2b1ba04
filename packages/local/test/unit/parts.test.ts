import { createPublicKey } from 'node:crypto';
import { cloudEnv, endpointsFor } from '../../src/cloud-env';
import { silentLogger } from '../../src/logger';
import { PARTS } from '../../src/parts';
import { definePart, nothingToStop, type AnyPart, type RunInfo } from '../../src/parts/part';
import { startParts, type Shared } from '../../src/parts/run';
import { noFaults } from '../../src/faults';
import { DEFAULT_PORTS } from '../../src/ports';

describe('the list of parts', () => {
  const all: readonly AnyPart[] = PARTS;

  it('declares every port name and env var once', () => {
    const specs = all.flatMap((part) => Object.entries(part.ports));
    const names = specs.map(([name]) => name);
    const envs = specs.map(([, spec]) => spec.env);
    expect(new Set(names).size).toBe(names.length);
    expect(new Set(envs).size).toBe(envs.length);
    expect(envs.every((env) => /^MAILROOM_[A-Z_]+_PORT$/.test(env))).toBe(true);
  });

  it('lists every part another part needs', () => {
    for (const part of all) for (const need of part.needs) expect(all).toContain(need);
  });

  it('keeps the contract ports', () => {
    expect(DEFAULT_PORTS).toEqual(
      expect.objectContaining({
        api: 3000,
        outbound: 3001,
        events: 3002,
        inbound: 3003,
        smtp: 2525,
        ses: 8005,
        sendgrid: 8006,
        aws: 4566,
        dynamodb: 8000,
        ssm: 4583,
        firehose: 4573,
      }),
    );
  });

  it("gathers each part's endpoints and env", () => {
    const run: RunInfo = { root: '/repo', id: '1-abc', base: { SENDGRID_API_KEY: 'SG.mine' } };
    const endpoints = endpointsFor(DEFAULT_PORTS);
    expect(endpoints).toEqual(
      expect.objectContaining({
        aws: 'http://localhost:4566',
        dynamodb: 'http://localhost:8000',
        smtp: 'localhost:2525',
      }),
    );
    expect(cloudEnv(DEFAULT_PORTS, run)).toEqual(
      expect.objectContaining({
        MAILROOM_AWS_ENDPOINT: 'http://localhost:4566',
        MAILROOM_SES_ENDPOINT: 'http://localhost:8005',
        SENDGRID_API_KEY: 'SG.mine',
        SENDGRID_API_BASE_URL: 'http://localhost:8006',
        MAILROOM_LOCAL_CLOUD_FILE: '/repo/.mailroom/run/1-abc.json',
        MAILROOM_API_LAMBDA_PORT: '3100',
        MAILROOM_FIREHOSE_ENDPOINT: 'http://localhost:4573',
        MAILROOM_FIREHOSE_PORT: '4573',
      }),
    );
  });

  it("hands the services the run's own SendGrid webhook key, as SendGrid shows it, unless the user set one", () => {
    const run: RunInfo = { root: '/repo', id: '2-key', base: {} };
    const key = cloudEnv(DEFAULT_PORTS, run).SENDGRID_WEBHOOK_PUBLIC_KEY ?? '';
    const spki = createPublicKey({ key: Buffer.from(key, 'base64'), format: 'der', type: 'spki' });
    expect(spki.asymmetricKeyDetails).toEqual({ namedCurve: 'prime256v1' });
    expect(cloudEnv(DEFAULT_PORTS, run).SENDGRID_WEBHOOK_PUBLIC_KEY).toBe(key);
    expect(cloudEnv(DEFAULT_PORTS, { ...run, id: '3-key' }).SENDGRID_WEBHOOK_PUBLIC_KEY).not.toBe(key);
    const mine = { ...run, base: { SENDGRID_WEBHOOK_PUBLIC_KEY: 'MFkw-mine' } };
    expect(cloudEnv(DEFAULT_PORTS, mine).SENDGRID_WEBHOOK_PUBLIC_KEY).toBe('MFkw-mine');
  });
});

describe('startParts', () => {
  const shared = (): Shared => ({
    ports: { a: 1 },
    endpoints: {},
    env: {},
    run: { root: '/repo', id: 'x', base: {} },
    options: { services: [], seed: false },
    faults: noFaults(),
    logger: silentLogger,
  });

  /** A part that records when it starts and stops, and fails to start when told. */
  const recorder = (log: string[]) => {
    const make = (name: string, needs: AnyPart[] = [], fail = false) =>
      definePart({
        name,
        ports: {},
        needs,
        async start() {
          await new Promise((r) => setTimeout(r, 5));
          if (fail) throw new Error(`${name} failed`);
          log.push(`start ${name}`);
          return {
            value: name.toUpperCase(),
            stop: async () => void log.push(`stop ${name}`),
          };
        },
      });
    return make;
  };

  it('starts a part after what it needs, and stops it before', async () => {
    const log: string[] = [];
    const make = recorder(log);
    const emulator = make('emulator');
    const provisioning = make('provisioning', [emulator]);
    const service = make('service', [provisioning, emulator]);
    const running = await startParts([service, provisioning, emulator], shared());
    expect(running.get(provisioning)).toBe('PROVISIONING');
    expect(log).toEqual(['start emulator', 'start provisioning', 'start service']);
    await running.stop();
    await running.stop();
    expect(log.slice(3)).toEqual(['stop service', 'stop provisioning', 'stop emulator']);
  });

  it('stops what started when a part fails, and starts nothing that needs the failed part', async () => {
    const log: string[] = [];
    const make = recorder(log);
    const broken = make('broken', [], true);
    const fine = make('fine');
    const dependent = make('dependent', [broken]);
    await expect(startParts([dependent, broken, fine], shared())).rejects.toThrow('broken failed');
    expect(log).toEqual(['start fine', 'stop fine']);
  });

  it('refuses a part whose need is not in the list', async () => {
    const make = recorder([]);
    const need = make('need');
    await expect(startParts([make('part', [need])], shared())).rejects.toThrow(
      'part needs need, which this run does not start',
    );
  });

  it("hands a part only its own ports and only its needs' values", async () => {
    const other = definePart({
      name: 'other',
      ports: {},
      needs: [],
      start: async () => ({ value: 1, stop: nothingToStop }),
    });
    const seen: unknown[] = [];
    const part = definePart({
      name: 'part',
      ports: { a: { port: 0, env: 'MAILROOM_A_PORT' } },
      needs: [],
      async start(context) {
        seen.push(context.ports);
        seen.push(() => context.get(other));
        return { value: undefined, stop: nothingToStop };
      },
    });
    const running = await startParts([part, other], { ...shared(), ports: { a: 1, b: 2 } });
    expect(seen[0]).toEqual({ a: 1 });
    expect(seen[1]).toThrow('part asked for other, which is not in its needs');
    await running.stop();
  });
});
