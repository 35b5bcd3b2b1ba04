import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { FirehoseClient } from '@aws-sdk/client-firehose';
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
  /**
   * How long one attempt may wait for the answer's headers, request body upload included (default
   * `DEFAULT_REQUEST_TIMEOUT_MS`). The provider call passes its own (MAILROOM_PROVIDER_TIMEOUT_MS).
   */
  requestTimeoutMs?: number;
}

/**
 * Every attempt ends well inside a function's timeout (10 s by default, 30 s for `send`:
 * serverless.common.yml, services/outbound/serverless.yml). Without these the SDK waits as long as the
 * socket lives: a request that hangs holds the invocation until Lambda kills it, and the whole batch
 * comes back. A timed-out attempt fails with `TimeoutError`, which the retry policy treats as transient
 * (retry/classify.ts) and a provider call as outcome unknown (retry/provider-errors.ts).
 * https://github.com/smithy-lang/smithy-typescript/blob/main/packages/node-http-handler/src/node-http-handler.ts
 */
export const DEFAULT_REQUEST_TIMEOUT_MS = 5_000;
/** TCP (and TLS) connection set-up: a healthy AWS endpoint answers in milliseconds. */
export const DEFAULT_CONNECTION_TIMEOUT_MS = 2_000;

/**
 * The SDK's Node handler, as options (the SDK builds the handler from them). `throwOnRequestTimeout`:
 * without it @smithy/node-http-handler only logs a warning when `requestTimeout` passes and keeps
 * waiting. `socketTimeout` bounds silences after the headers too, e.g. while an S3 body streams in.
 */
const requestHandler = (requestTimeoutMs = DEFAULT_REQUEST_TIMEOUT_MS) => ({
  requestTimeout: requestTimeoutMs,
  connectionTimeout: Math.min(DEFAULT_CONNECTION_TIMEOUT_MS, requestTimeoutMs),
  socketTimeout: requestTimeoutMs,
  throwOnRequestTimeout: true,
});

/**
 * With an endpoint we talk to an emulator: fixed dummy credentials keep the SDK from searching for a
 * profile or instance role. DynamoDB Local keeps one database per access key and region (unless started
 * with -sharedDb), so every local process must use these same credentials and region to see the same tables.
 */
export const LOCAL_CREDENTIALS = { accessKeyId: 'test', secretAccessKey: 'test' } as const;

const base = ({ region, endpoint, maxAttempts, requestTimeoutMs }: AwsClientOptions) => ({
  region,
  requestHandler: requestHandler(requestTimeoutMs),
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

/** Kinesis Data Firehose (the events webhook's hand-off); locally the Firehose stand-in (MAILROOM_FIREHOSE_ENDPOINT). */
export const createFirehoseClient = (options: AwsClientOptions): FirehoseClient =>
  new FirehoseClient(base(options));
