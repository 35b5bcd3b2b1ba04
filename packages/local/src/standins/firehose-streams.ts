/**
 * A Firehose delivery stream as CreateDeliveryStream makes it (direct put, an S3 destination), and
 * DescribeDeliveryStream's answer for it.
 * https://docs.aws.amazon.com/firehose/latest/APIReference/API_CreateDeliveryStream.html
 */
import type { Stream } from './firehose-delivery';
import { checkPrefixes, PrefixError } from './firehose-naming';

export class FirehoseError extends Error {
  constructor(
    readonly type: string,
    message: string,
    readonly status = 400,
  ) {
    super(message);
    this.name = type;
  }
}

type Json = Record<string, unknown>;
const asObject = (v: unknown): Json =>
  typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Json) : {};

/** The stream `input` asks for, or the error CreateDeliveryStream answers. */
export function streamFrom(name: string, input: Json, region: string, accountId: string): Stream {
  const type = input.DeliveryStreamType ?? 'DirectPut';
  if (type !== 'DirectPut') {
    throw new FirehoseError(
      'InvalidArgumentException',
      `DeliveryStreamType ${String(type)} is not supported locally (DirectPut only).`,
    );
  }
  const destination = asObject(input.ExtendedS3DestinationConfiguration ?? input.S3DestinationConfiguration);
  const bucketArn = destination.BucketARN;
  if (typeof bucketArn !== 'string' || !/^arn:aws:s3:::[a-z0-9.-]{3,63}$/.test(bucketArn)) {
    throw new FirehoseError(
      'InvalidArgumentException',
      'An S3 destination with a valid BucketARN is required.',
    );
  }
  const prefix = typeof destination.Prefix === 'string' ? destination.Prefix : '';
  const errorOutputPrefix =
    typeof destination.ErrorOutputPrefix === 'string' ? destination.ErrorOutputPrefix : undefined;
  try {
    checkPrefixes(prefix, errorOutputPrefix);
  } catch (e) {
    if (e instanceof PrefixError) throw new FirehoseError('InvalidArgumentException', e.message);
    throw e;
  }
  const hints = asObject(destination.BufferingHints);
  const sizeInMBs = Number(hints.SizeInMBs ?? 5);
  const intervalInSeconds = Number(hints.IntervalInSeconds ?? 300);
  if (!(sizeInMBs >= 1 && sizeInMBs <= 128) || !(intervalInSeconds >= 0 && intervalInSeconds <= 900)) {
    throw new FirehoseError(
      'InvalidArgumentException',
      'BufferingHints: SizeInMBs must be 1-128 and IntervalInSeconds 0-900.',
    );
  }
  const compression = String(destination.CompressionFormat ?? 'UNCOMPRESSED');
  if (compression !== 'UNCOMPRESSED' && compression !== 'GZIP') {
    throw new FirehoseError(
      'InvalidArgumentException',
      `CompressionFormat ${compression} is not supported locally (GZIP or UNCOMPRESSED).`,
    );
  }
  const arn = `arn:aws:firehose:${region}:${accountId}:deliverystream/${name}`;
  return {
    name,
    arn,
    versionId: '1',
    createdAt: new Date(),
    bucket: bucketArn.slice('arn:aws:s3:::'.length),
    bucketArn,
    roleArn: typeof destination.RoleARN === 'string' ? destination.RoleARN : undefined,
    prefix,
    errorOutputPrefix,
    sizeInMBs,
    intervalInSeconds,
    compression,
  };
}

/** DescribeDeliveryStream's answer for one stream. Timestamps are epoch seconds, as JSON 1.1 has them. */
export function describeStream(stream: Stream) {
  const destination = {
    RoleARN: stream.roleArn,
    BucketARN: stream.bucketArn,
    Prefix: stream.prefix,
    ErrorOutputPrefix: stream.errorOutputPrefix,
    BufferingHints: { SizeInMBs: stream.sizeInMBs, IntervalInSeconds: stream.intervalInSeconds },
    CompressionFormat: stream.compression,
    EncryptionConfiguration: { NoEncryptionConfig: 'NoEncryption' },
  };
  return {
    DeliveryStreamName: stream.name,
    DeliveryStreamARN: stream.arn,
    DeliveryStreamStatus: 'ACTIVE',
    DeliveryStreamType: 'DirectPut',
    VersionId: stream.versionId,
    CreateTimestamp: stream.createdAt.getTime() / 1000,
    Destinations: [
      {
        DestinationId: 'destinationId-000000000001',
        S3DestinationDescription: destination,
        ExtendedS3DestinationDescription: { ...destination, S3BackupMode: 'Disabled' },
      },
    ],
    HasMoreDestinations: false,
  };
}
