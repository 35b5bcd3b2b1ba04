/**
 * A small stand-in for Amazon Data Firehose (no emulator exists; kinesalite is Kinesis Data Streams).
 * It answers the AWS JSON 1.1 protocol the real @aws-sdk/client-firehose speaks (`POST /`,
 * `X-Amz-Target: Firehose_20150804.<Action>`): CreateDeliveryStream (provisioning creates the
 * services' streams with it), DescribeDeliveryStream, ListDeliveryStreams, DeleteDeliveryStream,
 * PutRecord and PutRecordBatch with per-record failures. Direct-put streams with an extended S3
 * destination only, as Mailroom declares them. Records are buffered per stream (delivery.ts) and
 * written to S3 as one object per flush.
 * https://docs.aws.amazon.com/firehose/latest/APIReference/API_Operations.html
 */
import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { S3Client } from '@aws-sdk/client-s3';
import type { Random } from '../faults';
import type { Logger } from '../logger';
import { silentLogger } from '../logger';
import { Deliveries, type DeliveredObject, type Stream } from './firehose-delivery';
import { checkPrefixes, PrefixError } from './firehose-naming';
import { BodyTooLargeError, listen, readBody, sendJson, type RunningServer } from './http';

export interface FirehoseStandInOptions {
  port: number;
  host?: string;
  /** Where objects are written: an S3 client of the local cloud (through its S3 path, so notifications fire). */
  s3: S3Client;
  region: string;
  accountId: string;
  /**
   * How long a stream buffers before it writes, whatever its BufferingHints.IntervalInSeconds say
   * (at least 60 s on AWS): short locally so events show up in seconds. Size hints are kept.
   */
  bufferIntervalMs?: number;
  /** The share of records PutRecordBatch fails (and PutRecord requests), read on every request. */
  faults?: { fail: number };
  random?: Random;
  logger?: Logger;
  /** The wait before retrying a write S3 refused, doubled each time (default 400 ms; 5 attempts). */
  retryBaseMs?: number;
}

export interface FirehoseStandIn extends RunningServer {
  /** Every object written so far, in order. */
  readonly delivered: readonly DeliveredObject[];
}

/** https://docs.aws.amazon.com/firehose/latest/dev/limits.html */
export const LIMITS = {
  recordBytes: 1_000 * 1024,
  batchRecords: 500,
  batchBytes: 4 * 1024 * 1024,
} as const;
// 4 MiB of records as base64 inside JSON, with room to spare.
const BODY_LIMIT = 8 * 1024 * 1024;
const NAME = /^[a-zA-Z0-9_.-]{1,64}$/;
const TARGET = 'Firehose_20150804.';
const JSON_TYPE = 'application/x-amz-json-1.1';

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
const recordId = () => randomBytes(84).toString('base64');

export async function startFirehoseStandIn(options: FirehoseStandInOptions): Promise<FirehoseStandIn> {
  const streams = new Map<string, Stream>();
  const random = options.random ?? Math.random;
  const faults = options.faults ?? { fail: 0 };
  const deliveries = new Deliveries(
    options.s3,
    options.bufferIntervalMs ?? 1000,
    options.logger ?? silentLogger,
    options.retryBaseMs,
  );

  const streamNamed = (input: Json): Stream => {
    const name = input.DeliveryStreamName;
    if (typeof name !== 'string' || !NAME.test(name)) {
      throw new FirehoseError(
        'ValidationException',
        `DeliveryStreamName ${JSON.stringify(name)} is not valid.`,
      );
    }
    const stream = streams.get(name);
    if (!stream) {
      throw new FirehoseError(
        'ResourceNotFoundException',
        `Firehose ${name} under account ${options.accountId} not found.`,
      );
    }
    return stream;
  };

  const dataOf = (record: unknown, field: string): Buffer => {
    const data = asObject(record).Data;
    if (typeof data !== 'string') {
      throw new FirehoseError(
        'ValidationException',
        `1 validation error detected: Value null at '${field}.data' failed to satisfy constraint: Member must not be null`,
      );
    }
    const bytes = Buffer.from(data, 'base64');
    if (bytes.length > LIMITS.recordBytes) {
      throw new FirehoseError(
        'ValidationException',
        `1 validation error detected: Value at '${field}.data' failed to satisfy constraint: Member must have length less than or equal to ${LIMITS.recordBytes}`,
      );
    }
    return bytes;
  };

  const actions: Record<string, (input: Json) => unknown> = {
    CreateDeliveryStream: (input) => {
      const name = input.DeliveryStreamName;
      if (typeof name !== 'string' || !NAME.test(name)) {
        throw new FirehoseError(
          'ValidationException',
          `DeliveryStreamName ${JSON.stringify(name)} is not valid.`,
        );
      }
      if (streams.has(name)) {
        throw new FirehoseError(
          'ResourceInUseException',
          `Firehose ${name} under accountId ${options.accountId} already exists`,
        );
      }
      const type = input.DeliveryStreamType ?? 'DirectPut';
      if (type !== 'DirectPut') {
        throw new FirehoseError(
          'InvalidArgumentException',
          `DeliveryStreamType ${String(type)} is not supported locally (DirectPut only).`,
        );
      }
      const destination = asObject(
        input.ExtendedS3DestinationConfiguration ?? input.S3DestinationConfiguration,
      );
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
      const arn = `arn:aws:firehose:${options.region}:${options.accountId}:deliverystream/${name}`;
      streams.set(name, {
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
      });
      return { DeliveryStreamARN: arn };
    },
    DescribeDeliveryStream: (input) => ({ DeliveryStreamDescription: describe(streamNamed(input)) }),
    ListDeliveryStreams: () => ({
      DeliveryStreamNames: [...streams.keys()].sort(),
      HasMoreDeliveryStreams: false,
    }),
    DeleteDeliveryStream: (input) => {
      const stream = streamNamed(input);
      deliveries.flush(stream.name);
      streams.delete(stream.name);
      return {};
    },
    PutRecord: (input) => {
      const stream = streamNamed(input);
      const data = dataOf(input.Record, 'record');
      if (random() < faults.fail) {
        throw new FirehoseError('ServiceUnavailableException', 'Slow down.', 503);
      }
      deliveries.add(stream, data);
      return { RecordId: recordId(), Encrypted: false };
    },
    PutRecordBatch: (input) => {
      const stream = streamNamed(input);
      const records = input.Records;
      if (!Array.isArray(records) || records.length === 0 || records.length > LIMITS.batchRecords) {
        throw new FirehoseError(
          'ValidationException',
          `1 validation error detected: Value at 'records' failed to satisfy constraint: Member must have length between 1 and ${LIMITS.batchRecords}`,
        );
      }
      const data = records.map((r, i) => dataOf(r, `records.${i + 1}.member`));
      const total = data.reduce((sum, d) => sum + d.length, 0);
      if (total > LIMITS.batchBytes) {
        throw new FirehoseError(
          'InvalidArgumentException',
          `Records size exceeds ${LIMITS.batchBytes} bytes limit`,
        );
      }
      let failed = 0;
      const RequestResponses = data.map((bytes) => {
        if (random() < faults.fail) {
          failed += 1;
          return { ErrorCode: 'ServiceUnavailableException', ErrorMessage: 'Slow down.' };
        }
        deliveries.add(stream, bytes);
        return { RecordId: recordId() };
      });
      return { FailedPutCount: failed, Encrypted: false, RequestResponses };
    },
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const answer = (status: number, body: unknown) =>
      sendJson(res, status, body, { 'content-type': JSON_TYPE });
    const target = String(req.headers['x-amz-target'] ?? '');
    const action = target.startsWith(TARGET) ? actions[target.slice(TARGET.length)] : undefined;
    if (req.method !== 'POST' || !action) {
      req.resume();
      return answer(400, {
        __type: 'UnknownOperationException',
        message: `${req.method} ${target || '(no X-Amz-Target)'} is not part of this stand-in`,
      });
    }
    let input: Json;
    try {
      const body = (await readBody(req, BODY_LIMIT)).toString('utf8');
      input = asObject(body ? JSON.parse(body) : {});
    } catch (e) {
      if (e instanceof BodyTooLargeError)
        return answer(413, { __type: 'InvalidArgumentException', message: e.message });
      return answer(400, {
        __type: 'SerializationException',
        message: 'The request body is not valid JSON.',
      });
    }
    try {
      return answer(200, action(input));
    } catch (e) {
      if (e instanceof FirehoseError) return answer(e.status, { __type: e.type, message: e.message });
      throw e;
    }
  };

  const server = await listen(
    (req, res) => {
      handle(req, res).catch((e: unknown) =>
        sendJson(res, 500, { __type: 'InternalFailure', message: String(e) }, { 'content-type': JSON_TYPE }),
      );
    },
    options.port,
    options.host ?? '127.0.0.1',
  );
  return {
    port: server.port,
    delivered: deliveries.delivered,
    close: async () => {
      await server.close();
      await deliveries.close();
    },
  };
}

/** DescribeDeliveryStream's answer for one stream. Timestamps are epoch seconds, as JSON 1.1 has them. */
function describe(stream: Stream) {
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
