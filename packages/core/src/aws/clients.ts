import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { SESv2Client } from '@aws-sdk/client-sesv2';
import { SNSClient } from '@aws-sdk/client-sns';
import { SQSClient } from '@aws-sdk/client-sqs';
import { SSMClient } from '@aws-sdk/client-ssm';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

/**
 * The one place that builds AWS clients (docs/conventions.md, "Clients are passed in"): adapters take clients in their
 * constructors; handlers build them here from config, so the local cloud and AWS differ only in env.
 */
export interface AwsClientOptions {
  region: string;
  /** Set in the local cloud only (an emulator's URL). */
  endpoint?: string;
  /** SDK attempts per call (default 3). The send path may lower it and let SQS do the retrying. */
  maxAttempts?: number;
}

/**
 * With an endpoint we talk to an emulator: fixed dummy credentials keep the SDK from searching for a
 * profile or instance role. DynamoDB Local keeps one database per access key and region (unless started
 * with -sharedDb), so every local process must use these same credentials and region to see the same tables.
 */
export const LOCAL_CREDENTIALS = { accessKeyId: 'test', secretAccessKey: 'test' } as const;

const base = ({ region, endpoint, maxAttempts }: AwsClientOptions) => ({
  region,
  ...(maxAttempts === undefined ? {} : { maxAttempts }),
  ...(endpoint === undefined ? {} : { endpoint, credentials: LOCAL_CREDENTIALS }),
});

/** Document client that drops `undefined` attributes (optional fields) instead of failing on them. */
export const createDynamoDocumentClient = (options: AwsClientOptions): DynamoDBDocumentClient =>
  DynamoDBDocumentClient.from(new DynamoDBClient(base(options)), {
    marshallOptions: { removeUndefinedValues: true },
  });

export const createSqsClient = (options: AwsClientOptions): SQSClient => new SQSClient(base(options));

export interface S3ClientOptions extends AwsClientOptions {
  /**
   * `WHEN_REQUIRED` for a client that presigns uploads: by default (`WHEN_SUPPORTED`, SDK ≥ 3.729) a
   * presigned PutObject carries `x-amz-checksum-crc32` of the empty body it was signed with, and storage
   * that checks it refuses every real upload (https://github.com/aws/aws-sdk-js-v3/issues/6994).
   */
  requestChecksumCalculation?: 'WHEN_SUPPORTED' | 'WHEN_REQUIRED';
}

/** Emulators serve buckets by path (`http://host:port/bucket/key`), not by virtual-host name. */
export const createS3Client = (options: S3ClientOptions): S3Client =>
  new S3Client({
    ...base(options),
    ...(options.endpoint === undefined ? {} : { forcePathStyle: true }),
    ...(options.requestChecksumCalculation && {
      requestChecksumCalculation: options.requestChecksumCalculation,
    }),
  });

export const createSnsClient = (options: AwsClientOptions): SNSClient => new SNSClient(base(options));

export const createSesV2Client = (options: AwsClientOptions): SESv2Client => new SESv2Client(base(options));

export const createSsmClient = (options: AwsClientOptions): SSMClient => new SSMClient(base(options));
