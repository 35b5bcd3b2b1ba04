import {
  createDynamoDocumentClient,
  createS3Client,
  createSesV2Client,
  createSnsClient,
  createSqsClient,
  LOCAL_CREDENTIALS,
} from '../../src/aws';

describe('AWS client factories', () => {
  it('use the endpoint and static test credentials for the local cloud', async () => {
    const sqs = createSqsClient({ region: 'us-east-1', endpoint: 'http://localhost:4566' });
    await expect(sqs.config.credentials()).resolves.toMatchObject(LOCAL_CREDENTIALS);
    const endpoint = await sqs.config.endpoint?.();
    expect(endpoint?.hostname).toBe('localhost');
    expect(endpoint?.port).toBe(4566);
    await expect(sqs.config.region()).resolves.toBe('us-east-1');
    sqs.destroy();
  });

  it('force path-style S3 addressing only with an endpoint', () => {
    const local = createS3Client({ region: 'us-east-1', endpoint: 'http://localhost:4566' });
    const aws = createS3Client({ region: 'us-east-1' });
    expect(local.config.forcePathStyle).toBe(true);
    expect(aws.config.forcePathStyle).toBe(false);
    local.destroy();
    aws.destroy();
  });

  it('leave credentials to the default chain on AWS', () => {
    const ses = createSesV2Client({ region: 'eu-west-1' });
    // No static credentials were configured: the SDK resolves them itself (env, role) when first used.
    expect(ses.config.endpoint).toBeUndefined();
    ses.destroy();
  });

  it('build every client the services need, passing maxAttempts through', async () => {
    const sns = createSnsClient({ region: 'us-east-1', maxAttempts: 1 });
    await expect(sns.config.maxAttempts()).resolves.toBe(1);
    const doc = createDynamoDocumentClient({ region: 'us-east-1', endpoint: 'http://localhost:8000' });
    expect(doc.config.translateConfig?.marshallOptions?.removeUndefinedValues).toBe(true);
    sns.destroy();
    doc.destroy();
  });
});
