import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

// Plain CommonJS, as osls loads it.
// eslint-disable-next-line @typescript-eslint/no-require-imports -- the plugin is a .cjs file
const Plugin = require('../../serverless-plugin.cjs') as new (
  sls: unknown,
  options: unknown,
) => {
  hooks: Record<string, () => void>;
};

type Env = Record<string, unknown> | undefined;
const fakeServerless = (provider: Env, fn: Env) => {
  const functions: Record<string, { environment: Env }> = { send: { environment: fn } };
  return {
    service: {
      service: 'mailroom-outbound',
      provider: { stage: 'local', environment: provider },
      getAllFunctions: () => Object.keys(functions),
      getFunction: (key: string) => functions[key],
    },
    functions,
  };
};
const dataFile = (data: unknown) => {
  const file = join(mkdtempSync(join(tmpdir(), 'mailroom-plugin-')), 'cloud.json');
  writeFileSync(file, JSON.stringify(data));
  return file;
};

describe('serverless-plugin.cjs', () => {
  const saved = process.env.MAILROOM_LOCAL_CLOUD_FILE;
  afterEach(() => {
    if (saved === undefined) delete process.env.MAILROOM_LOCAL_CLOUD_FILE;
    else process.env.MAILROOM_LOCAL_CLOUD_FILE = saved;
  });

  it('hooks only offline and invoke local, never package or deploy', () => {
    expect(Object.keys(new Plugin(fakeServerless({}, {}), {}).hooks).sort()).toEqual([
      'before:invoke:local:loadEnvVars',
      'before:offline:start',
      'before:offline:start:init',
    ]);
  });

  it('replaces intrinsics with the launcher’s values, keeps strings and drops nulls', () => {
    process.env.MAILROOM_LOCAL_CLOUD_FILE = dataFile({
      stage: 'local',
      services: {
        'mailroom-outbound': {
          provider: { TABLE: 'mailroom-local-messages' },
          functions: { send: { QUEUE: 'http://localhost:4566/000000000000/mailroom-local-send' } },
        },
      },
    });
    const sls = fakeServerless(
      { TABLE: { Ref: 'MessagesTable' }, MAILROOM_STAGE: 'local' },
      { QUEUE: { 'Fn::GetAtt': ['SendQueue', 'QueueUrl'] }, SENDGRID_API_KEY: null },
    );
    new Plugin(sls, { stage: 'local' }).hooks['before:offline:start:init']?.();
    expect(sls.service.provider.environment).toEqual({
      TABLE: 'mailroom-local-messages',
      MAILROOM_STAGE: 'local',
    });
    expect(sls.functions.send?.environment).toEqual({
      QUEUE: 'http://localhost:4566/000000000000/mailroom-local-send',
    });
  });

  it('fails clearly without the launcher’s data or with an unresolved intrinsic', () => {
    delete process.env.MAILROOM_LOCAL_CLOUD_FILE;
    const run = (sls: unknown) => new Plugin(sls, { stage: 'local' }).hooks['before:offline:start']?.();
    expect(() => run(fakeServerless({}, {}))).toThrow(/MAILROOM_LOCAL_CLOUD_FILE is not set.*pnpm dev/);
    process.env.MAILROOM_LOCAL_CLOUD_FILE = dataFile({
      stage: 'local',
      services: { 'mailroom-outbound': { provider: {}, functions: {} } },
    });
    expect(() => run(fakeServerless({ X: { Ref: 'Y' } }, {}))).toThrow(
      /provider environment X .* did not resolve/,
    );
  });
});
