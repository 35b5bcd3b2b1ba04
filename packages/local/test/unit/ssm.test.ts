import {
  DeleteParameterCommand,
  GetParameterCommand,
  ParameterAlreadyExists,
  ParameterNotFound,
  PutParameterCommand,
  SSMClient,
} from '@aws-sdk/client-ssm';
import { startSsmStandIn, type SsmStandIn } from '../../src/standins/ssm';

describe('SSM Parameter Store stand-in (the real @aws-sdk/client-ssm against it)', () => {
  let ssm: SsmStandIn;
  let client: SSMClient;
  const name = '/mailroom/local/tenants/acme/sendgrid-api-key';

  beforeAll(async () => {
    ssm = await startSsmStandIn({ port: 0 });
    client = new SSMClient({
      region: 'us-east-1',
      endpoint: `http://127.0.0.1:${ssm.port}`,
      credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
      maxAttempts: 1,
    });
  });
  afterAll(async () => {
    client.destroy();
    await ssm.close();
  });

  it('stores a SecureString and reads it back, decrypted', async () => {
    await client.send(new PutParameterCommand({ Name: name, Value: 'SG.acme', Type: 'SecureString' }));
    const { Parameter } = await client.send(new GetParameterCommand({ Name: name, WithDecryption: true }));
    expect(Parameter).toMatchObject({ Name: name, Type: 'SecureString', Value: 'SG.acme', Version: 1 });
    expect(ssm.values().get(name)).toBe('SG.acme');
  });

  it('refuses to overwrite without Overwrite, and bumps the version with it', async () => {
    await expect(
      client.send(new PutParameterCommand({ Name: name, Value: 'SG.other', Type: 'SecureString' })),
    ).rejects.toBeInstanceOf(ParameterAlreadyExists);
    const { Version } = await client.send(
      new PutParameterCommand({ Name: name, Value: 'SG.rotated', Type: 'SecureString', Overwrite: true }),
    );
    expect(Version).toBe(2);
  });

  it('answers ParameterNotFound for a missing or deleted parameter', async () => {
    await expect(
      client.send(new GetParameterCommand({ Name: '/mailroom/local/tenants/nobody/sendgrid-api-key' })),
    ).rejects.toBeInstanceOf(ParameterNotFound);
    await client.send(new DeleteParameterCommand({ Name: name }));
    await expect(client.send(new GetParameterCommand({ Name: name }))).rejects.toBeInstanceOf(
      ParameterNotFound,
    );
  });

  it('rejects invalid names and empty values with ValidationException', async () => {
    await expect(
      client.send(new PutParameterCommand({ Name: 'bad name!', Value: 'x', Type: 'String' })),
    ).rejects.toMatchObject({ name: 'ValidationException' });
    await expect(
      client.send(new PutParameterCommand({ Name: '/ok', Value: '', Type: 'String' })),
    ).rejects.toMatchObject({ name: 'ValidationException' });
  });

  it('answers an operation it does not know with an error, not silence', async () => {
    const res = await fetch(`http://127.0.0.1:${ssm.port}/`, {
      method: 'POST',
      headers: {
        'x-amz-target': 'AmazonSSM.GetParametersByPath',
        'content-type': 'application/x-amz-json-1.1',
      },
      body: '{}',
    });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ __type: 'UnknownOperationException' });
  });
});
