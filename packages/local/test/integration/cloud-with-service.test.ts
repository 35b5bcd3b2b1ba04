import { SERVICE_NAMES, startLocalCloud, type LocalCloud } from '../../src';

const groupAlive = (pid: number): boolean => {
  try {
    process.kill(-pid, 0);
    return true;
  } catch {
    return false;
  }
};

// The whole local cloud on free ports: emulators, provisioning, seeding and every service
// under serverless-offline, then a stop that leaves no process behind.
describe('local cloud with every service', () => {
  let cloud: LocalCloud;

  beforeAll(async () => {
    cloud = await startLocalCloud({ ports: 'auto' });
  }, 120_000);
  afterAll(() => cloud?.stop());

  it.each(SERVICE_NAMES)('serves GET /health on %s', async (service) => {
    const res = await fetch(`${cloud.endpoints[service]}/health`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ ok: true });
  });

  it('stops every process it started, and stopping again is harmless', async () => {
    const pids = cloud.processes.map((p) => p.pid);
    expect(cloud.processes.map((p) => p.label).sort()).toEqual([
      'api',
      'dynamodb',
      'events',
      'fauxqs',
      'inbound',
      'outbound',
    ]);
    expect(pids.every(groupAlive)).toBe(true);
    await cloud.stop();
    await cloud.stop();
    expect(pids.filter(groupAlive)).toEqual([]);
    await expect(fetch(`${cloud.endpoints.api}/health`)).rejects.toThrow();
  });
});
