import { createServer as createHttpServer } from 'node:http';
import { ListQueuesCommand } from '@aws-sdk/client-sqs';
import { classifyError } from '../../src';
import { listenOnLoopback, silentServer } from '../../src/testing';
import {
  createDynamoDocumentClient,
  createS3Client,
  createSesV2Client,
  createSnsClient,
  createSqsClient,
  DEFAULT_CONNECTION_TIMEOUT_MS,
  DEFAULT_REQUEST_TIMEOUT_MS,
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

  it('give every request a timeout: a request that gets no answer ends as a transient TimeoutError', async () => {
    // The server reads the request and never answers: only the client's timeout can end the call.
    const silent = await silentServer();
    const sqs = createSqsClient({
      region: 'us-east-1',
      endpoint: silent.url,
      maxAttempts: 1,
      requestTimeoutMs: 100,
    });
    const err = await sqs.send(new ListQueuesCommand({})).catch((e: unknown) => e);
    expect(err).toMatchObject({ name: 'TimeoutError' });
    expect(classifyError(err)).toMatchObject({ retryable: true, kind: 'transient' });
    sqs.destroy();
    await silent.close();
  });

  it('use the default request and connection timeouts, as errors rather than warnings', async () => {
    const answering = await listenOnLoopback(
      createHttpServer((_req, res) => {
        res.writeHead(200, { 'content-type': 'application/x-amz-json-1.0' });
        res.end('{"QueueUrls":[]}');
      }),
    );
    const sqs = createSqsClient({ region: 'us-east-1', endpoint: answering.url });
    await sqs.send(new ListQueuesCommand({}));
    // The handler resolves its options on first use; this is what every request of this client gets.
    const handler = sqs.config.requestHandler as unknown as { httpHandlerConfigs(): object };
    expect(handler.httpHandlerConfigs()).toMatchObject({
      requestTimeout: DEFAULT_REQUEST_TIMEOUT_MS,
      connectionTimeout: DEFAULT_CONNECTION_TIMEOUT_MS,
      socketTimeout: DEFAULT_REQUEST_TIMEOUT_MS,
      throwOnRequestTimeout: true,
    });
    sqs.destroy();
    await answering.close();
  });
});
