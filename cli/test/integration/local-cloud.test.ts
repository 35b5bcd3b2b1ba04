import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { GetParameterCommand } from '@aws-sdk/client-ssm';
import { ReceiveMessageCommand, SendMessageCommand } from '@aws-sdk/client-sqs';
import {
  createDynamoDocumentClient,
  createSqsClient,
  createSsmClient,
  DynamoMessageStore,
} from '@mailroom/core/aws';
import { repoRoot, startLocalCloud, type LocalCloud } from '@mailroom/local';
import { runCli } from '../../src/cli';
import { connect } from '../../src/connect';
import { localTarget } from '../../src/target';

// The CLI end to end against the local cloud (emulators and provisioning, no services: nothing consumes
// the queues, so what the redrive moved stays there to be looked at). Names are resolved the way a
// `pnpm mailroom` next to `pnpm dev` resolves them: ports from the env, resources from the CloudFormation.
describe('pnpm mailroom against the local cloud', () => {
  let cloud: LocalCloud;
  const run = async (...argv: string[]) => {
    const out: string[] = [];
    const err: string[] = [];
    const io = {
      out: (t: string) => void out.push(t),
      err: (t: string) => void err.push(t),
      readSecret: async () => '',
    };
    const code = await runCli([...argv, '--json'], {
      io,
      connect: () => connect(localTarget(shellEnv()), io),
    });
    return { code, json: out.length ? JSON.parse(out.join('\n')) : undefined, stderr: err.join('\n') };
  };

  // The caller's env with the cloud's ports, as a shell next to `pnpm dev` has it (the print cache then hits).
  const shellEnv = () => ({
    ...process.env,
    ...Object.fromEntries(Object.entries(cloud.env).filter(([name]) => /^MAILROOM_\w+_PORT$/.test(name))),
  });

  beforeAll(async () => {
    cloud = await startLocalCloud({ ports: 'auto', services: false });
  }, 180_000);
  afterAll(() => cloud?.stop());

  it('creates a tenant, a key with an allowlist, a webhook route and a domain; verifies it; revokes the key', async () => {
    expect((await run('tenant', 'create', 'initech')).code).toBe(0);
    const key = await run(
      'key',
      'create',
      'initech',
      '--scopes',
      'send,read',
      '--allow-ip',
      '10.1.0.0/16,2001:db8::1',
    );
    expect(key).toMatchObject({ code: 0, json: { allowIps: ['10.1.0.0/16', '2001:db8::1/128'] } });

    const route = await run(
      'route',
      'add',
      '*@in.initech.example',
      'initech',
      '--webhook',
      'https://hooks.initech.example/in',
    );
    expect(route.code).toBe(0);
    const ssm = createSsmClient({ region: cloud.env.AWS_REGION!, endpoint: cloud.env.MAILROOM_SSM_ENDPOINT });
    const { Parameter } = await ssm.send(
      new GetParameterCommand({ Name: route.json.destination.secretParameter, WithDecryption: true }),
    );
    expect(Parameter).toMatchObject({ Type: 'SecureString', Value: route.json.secret });
    ssm.destroy();
    expect((await run('route', 'list')).json.items.map((r: { pattern: string }) => r.pattern)).toEqual(
      expect.arrayContaining(['*@in.initech.example', '*@in.acme.localhost']),
    );

    const domain = await run('domain', 'add', 'initech', 'initech.example');
    expect(domain).toMatchObject({ code: 0, json: { domain: 'initech.example', status: 'pending' } });
    expect(domain.json.records.filter((r: { type: string }) => r.type === 'CNAME')).toHaveLength(3);
    const verified = await run('domain', 'verify', 'initech.example');
    expect(verified).toMatchObject({ code: 0, json: { domain: 'initech.example', tenantId: 'initech' } });

    const revoked = await run('key', 'revoke', key.json.keyId);
    expect(revoked).toMatchObject({ code: 0, json: { revokedAt: expect.any(String) } });
    const shown = await run('tenant', 'show', 'initech');
    expect(shown.json.keys).toEqual([
      expect.objectContaining({ keyId: key.json.keyId, revokedAt: expect.any(String) }),
    ]);
    expect((await run('tenant', 'list')).json.items.map((t: { tenantId: string }) => t.tenantId)).toEqual(
      expect.arrayContaining(['acme', 'globex', 'initech']),
    );
  });

  it('redrives the send DLQ: a sent mail is skipped, the other goes back without its copy fields', async () => {
    const region = cloud.env.AWS_REGION!;
    const sqs = createSqsClient({ region, endpoint: cloud.env.MAILROOM_AWS_ENDPOINT });
    const doc = createDynamoDocumentClient({ region, endpoint: cloud.env.MAILROOM_DYNAMODB_ENDPOINT });
    try {
      const messages = new DynamoMessageStore(doc, cloud.outputs.outbound.MessagesTableName!);
      const base = {
        tenantId: 'acme',
        from: 'a@acme.localhost',
        to: ['b@example.com'],
        subject: 'Hi',
        text: 'x',
        version: 1,
      };
      await messages.create({
        ...base,
        id: '01KSENTSENTSENTSENTSENTSEN',
        createdAt: new Date().toISOString(),
        recipients: ['b@example.com'],
      });
      await messages.transition('01KSENTSENTSENTSENTSENTSEN', 'acme', {
        status: 'sent',
        event: { type: 'sent', provider: 'ses', data: {} },
      });
      for (const body of [
        { ...base, id: '01KSENTSENTSENTSENTSENTSEN' },
        { ...base, id: '01KAGAINAGAINAGAINAGAINAGA', attemptsUsed: 4, shareSlotAt: 1 },
      ]) {
        await sqs.send(
          new SendMessageCommand({
            QueueUrl: cloud.outputs.outbound.SendDLQUrl,
            MessageBody: JSON.stringify(body),
          }),
        );
      }
      const listed = await run('dlq', 'list', 'send');
      expect(listed.json.depth).toEqual({ visible: 2, inFlight: 0 });
      expect(listed.json.items.map((i: { reason: string }) => i.reason).sort()).toEqual([
        'no message record',
        'sent',
      ]);

      const redriven = await run('dlq', 'redrive', 'send');
      expect(redriven).toMatchObject({
        code: 0,
        json: { moved: 1, skipped: 1, skippedIds: ['01KSENTSENTSENTSENTSENTSEN'] },
      });
      expect(redriven.stderr).toContain('redrive send: 1 moved, 1 skipped');
      const { Messages = [] } = await sqs.send(
        new ReceiveMessageCommand({
          QueueUrl: cloud.outputs.outbound.SendQueueUrl,
          MaxNumberOfMessages: 10,
          WaitTimeSeconds: 1,
        }),
      );
      expect(Messages.map((m) => JSON.parse(m.Body!))).toEqual([
        { ...base, id: '01KAGAINAGAINAGAINAGAINAGA' },
      ]);
      expect((await run('dlq', 'list', 'send')).json.depth).toEqual({ visible: 0, inFlight: 0 });
    } finally {
      sqs.destroy();
      doc.destroy();
    }
  });

  it('runs as its own process (main.ts, what pnpm mailroom starts): stdout the result, stderr only the error', async () => {
    const root = repoRoot();
    const mailroom = (...argv: string[]) =>
      promisify(execFile)(
        process.execPath,
        [require.resolve('tsx/cli'), join(root, 'cli/src/main.ts'), ...argv],
        {
          cwd: root,
          env: shellEnv(),
        },
      ).then(
        ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
        (e: { code: number; stdout: string; stderr: string }) => ({
          code: e.code,
          stdout: e.stdout,
          stderr: e.stderr,
        }),
      );
    const shown = await mailroom('tenant', 'show', 'acme', '--json');
    expect(shown).toMatchObject({ code: 0, stderr: '' });
    expect(JSON.parse(shown.stdout)).toMatchObject({
      tenantId: 'acme',
      keys: [expect.objectContaining({ scopes: ['send', 'read', 'admin'] })],
    });
    expect(await mailroom('tenant', 'show', 'nobody')).toEqual({
      code: 1,
      stdout: '',
      stderr: 'mailroom: Tenant nobody not found\n',
    });
  }, 60_000);

  it('fails with a clear message when nothing answers where the local cloud should be', async () => {
    const out: string[] = [];
    const err: string[] = [];
    const io = {
      out: (t: string) => void out.push(t),
      err: (t: string) => void err.push(t),
      readSecret: async () => '',
    };
    const env = { ...shellEnv(), MAILROOM_DYNAMODB_PORT: '9' };
    const code = await runCli(['tenant', 'list'], { io, connect: () => connect(localTarget(env), io) });
    expect(code).toBe(1);
    expect(err.join('\n')).toMatch(
      /^mailroom: the local cloud does not answer \(.*ECONNREFUSED.*\): is pnpm dev running\?$/,
    );
  });
});
