import { createServer } from 'node:net';
import { assertFree, DEFAULT_PORTS, freePorts, portEnvName, portsFromEnv } from '../../src/ports';

describe('ports', () => {
  it('names each port by the env var the contract and serverless.yml files use', () => {
    expect(portEnvName('api')).toBe('MAILROOM_API_PORT');
    expect(portEnvName('dynamodb')).toBe('MAILROOM_DYNAMODB_PORT');
    expect(portEnvName('outboundLambda')).toBe('MAILROOM_OUTBOUND_LAMBDA_PORT');
    expect(portEnvName('inboundWs')).toBe('MAILROOM_INBOUND_WS_PORT');
  });

  it('takes the defaults, then env, then explicit overrides', () => {
    const ports = portsFromEnv({ MAILROOM_SES_PORT: '9005', MAILROOM_AWS_PORT: '' }, { api: 4000 });
    expect(ports).toEqual({ ...DEFAULT_PORTS, ses: 9005, api: 4000 });
    expect(() => portsFromEnv({ MAILROOM_API_PORT: 'x' })).toThrow(
      'MAILROOM_API_PORT=x is not a port number',
    );
  });

  it('hands out distinct free ports', async () => {
    const ports = Object.values(await freePorts());
    expect(new Set(ports).size).toBe(ports.length);
  });

  it('fails fast naming a taken port and its env var', async () => {
    const server = createServer().listen(0, '127.0.0.1');
    await new Promise((r) => server.once('listening', r));
    const port = (server.address() as { port: number }).port;
    // This test's own process holds it; a root no command line names keeps it a foreign holder.
    await expect(assertFree({ ...DEFAULT_PORTS, ses: port }, ['ses'], '/nowhere')).rejects.toThrow(
      `port ${port} (ses) is already in use: stop what holds it or set MAILROOM_SES_PORT`,
    );
    server.close();
    await expect(assertFree({ ...DEFAULT_PORTS, ses: 1, sendgrid: 1 }, ['ses', 'sendgrid'])).rejects.toThrow(
      'sendgrid and ses are both set to port 1',
    );
  });
});
