import { ConfigError } from '@mailroom/core';
import { createS3Client } from '@mailroom/core/aws';
import { AttachmentsBucket } from '../../src/adapters/attachments';
import { OutboundEnvSchema } from '../../src/config';
import { createHttpDeps } from '../../src/wiring';

/** Presigning is local computation: no S3 is contacted in these tests. */
describe('presigned upload URLs', () => {
  const endpoint = 'http://127.0.0.1:9'; // never called
  const checksumParams = (url: string) =>
    [...new URL(url).searchParams.keys()].filter((k) => /^x-amz-(checksum-|sdk-checksum-algorithm)/i.test(k));

  it('carry no checksum, and sign the content type and length, as wired for the HTTP functions', async () => {
    const deps = createHttpDeps(
      OutboundEnvSchema.parse({
        AWS_REGION: 'us-east-1',
        MAILROOM_AWS_ENDPOINT: endpoint,
        MAILROOM_DYNAMODB_ENDPOINT: endpoint,
        MAILROOM_MESSAGES_TABLE: 'messages',
        MAILROOM_TENANTS_TABLE: 'tenants',
        MAILROOM_SEND_QUEUE_URL: `${endpoint}/000000000000/send`,
        MAILROOM_ATTACHMENTS_BUCKET: 'attachments',
        MAILROOM_SEND_MAX_RECEIVE_COUNT: '10',
        MAILROOM_TENANT_SECRETS_PREFIX: '/mailroom/test/tenants',
        MAILROOM_STAGE: 'local',
        MAILROOM_SEND_DLQ_URL: `${endpoint}/000000000000/send-dlq`,
        MAILROOM_REQUESTS_BUCKET: 'requests',
      }),
    );
    const url = new URL(await deps.attachments.uploadUrl('acme/01J/a.pdf', 'application/pdf', 1234, 900));
    expect(checksumParams(url.href)).toEqual([]);
    expect(url.searchParams.get('X-Amz-SignedHeaders')).toBe('content-length;content-type;host');
    expect(url.searchParams.get('X-Amz-Expires')).toBe('900');
  });

  it('are refused, rather than handed out, when the client would sign in the empty body’s CRC32', async () => {
    // The SDK's default since 3.729 (WHEN_SUPPORTED) puts x-amz-checksum-crc32=AAAAAA== in the URL.
    const bucket = new AttachmentsBucket(createS3Client({ region: 'us-east-1', endpoint }), 'attachments');
    await expect(bucket.uploadUrl('acme/01J/a.pdf', 'application/pdf', 1234, 900)).rejects.toBeInstanceOf(
      ConfigError,
    );
  });
});
