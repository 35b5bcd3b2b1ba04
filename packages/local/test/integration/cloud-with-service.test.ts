import { startLocalCloud, type LocalCloud } from '../../src';

const groupAlive = (pid: number): boolean => {
  try {
    process.kill(-pid, 0);
    return true;
  } catch {
    return false;
  }
};

// The local cloud on free ports with a service under serverless-offline (inbound: the fewest
// functions to bundle), then a stop that leaves no process behind. That every service starts and
// answers GET /health is shown where `pnpm dev` starts them all (scripts/test/dev.test.ts): one
// start of the four services for the test run instead of two.
describe('local cloud with a service', () => {
  let cloud: LocalCloud;

  beforeAll(async () => {
    cloud = await startLocalCloud({ ports: 'auto', services: ['inbound'] });
  }, 120_000);
  afterAll(() => cloud?.stop());

  it('serves GET /health on the service', async () => {
    const res = await fetch(`${cloud.endpoints.inbound}/health`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ ok: true });
  });

  it('stops every process it started, and stopping again is harmless', async () => {
    const pids = cloud.processes.map((p) => p.pid);
    expect(cloud.processes.map((p) => p.label).sort()).toEqual(['dynamodb', 'fauxqs', 'inbound']);
    expect(pids.every(groupAlive)).toBe(true);
    await cloud.stop();
    await cloud.stop();
    expect(pids.filter(groupAlive)).toEqual([]);
    await expect(fetch(`${cloud.endpoints.inbound}/health`)).rejects.toThrow();
  });
});
