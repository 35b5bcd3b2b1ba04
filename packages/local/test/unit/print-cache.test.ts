import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cacheKey } from '../../src/serverless/print';

describe('serverless print cache key', () => {
  const dir = mkdtempSync(join(tmpdir(), 'mailroom-print-'));
  writeFileSync(join(dir, 'common.yml'), 'region: ${env:AWS_REGION, "us-east-1"}\n');
  writeFileSync(
    join(dir, 'serverless.yml'),
    'provider: ${file(./common.yml):region}\nport: ${env:MY_PORT, 1}\n',
  );
  const yml = join(dir, 'serverless.yml');

  it('changes with the env the YAML files (and the files they include) read, and nothing else', async () => {
    const key = await cacheKey(yml, 'local', {});
    expect(await cacheKey(yml, 'local', { UNRELATED: 'x' })).toBe(key);
    expect(await cacheKey(yml, 'local', { MY_PORT: '2' })).not.toBe(key);
    expect(await cacheKey(yml, 'local', { AWS_REGION: 'eu-west-1' })).not.toBe(key);
    expect(await cacheKey(yml, 'dev', {})).not.toBe(key);
  });

  it('changes when an included file changes', async () => {
    const key = await cacheKey(yml, 'local', {});
    writeFileSync(join(dir, 'common.yml'), 'region: eu-west-1\n');
    expect(await cacheKey(yml, 'local', {})).not.toBe(key);
  });
});
