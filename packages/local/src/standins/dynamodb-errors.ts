/**
 * The errors DynamoDB answers when it throttles or fails, as it sends them: AWS JSON 1.0, the
 * status, `__type` in DynamoDB's namespace, a request id and the body's CRC32. The AWS SDK names
 * the error after `__type` and retries ProvisionedThroughputExceededException and
 * ThrottlingException as throttling, 500 and 503 as transient.
 * https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Programming.Errors.html
 */
import { randomBytes } from 'node:crypto';
import { crc32 } from 'node:zlib';
import { LOCAL_ACCOUNT_ID } from '../cloudformation/resolver';
import { LOCAL_REGION } from '../env';
import { ITEM_OPERATIONS, ITEM_READS } from './dynamodb-operations';

export interface DynamoDbErrorAnswer {
  status: number;
  headers: Record<string, string>;
  body: string;
}

export function dynamoDbError(
  status: number,
  type: string,
  message: string,
  extra: Record<string, unknown> = {},
): DynamoDbErrorAnswer {
  const body = JSON.stringify({ __type: `com.amazonaws.dynamodb.v20120810#${type}`, message, ...extra });
  return {
    status,
    headers: {
      'content-type': 'application/x-amz-json-1.0',
      'content-length': String(Buffer.byteLength(body)),
      'x-amzn-requestid': randomBytes(26).toString('hex').toUpperCase(),
      'x-amz-crc32': String(crc32(body)),
    },
    body,
  };
}

/**
 * On an on-demand table (every Mailroom table) item operations are throttled per key range,
 * with DynamoDB's own message; table operations (CreateTable…) are throttled by request rate.
 * https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/TroubleshootingThrottling.html
 */
export function throttled(operation: string, table: string | undefined): DynamoDbErrorAnswer {
  if (!ITEM_OPERATIONS.has(operation)) {
    return dynamoDbError(400, 'ThrottlingException', 'Rate of requests exceeds the allowed throughput.');
  }
  const reason = `Table${ITEM_READS.has(operation) ? 'Read' : 'Write'}KeyRangeThroughputExceeded`;
  return dynamoDbError(
    400,
    'ProvisionedThroughputExceededException',
    'Throughput exceeds the current capacity of your table or index. DynamoDB is automatically scaling your ' +
      'table or index so please try again shortly. If exceptions persist, check if you have a hot key: ' +
      'https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/bp-partition-key-design.html',
    table
      ? {
          ThrottlingReasons: [
            { reason, resource: `arn:aws:dynamodb:${LOCAL_REGION}:${LOCAL_ACCOUNT_ID}:table/${table}` },
          ],
        }
      : {},
  );
}

export function failed(status: 500 | 503): DynamoDbErrorAnswer {
  return status === 500
    ? dynamoDbError(500, 'InternalServerError', 'Internal server error')
    : dynamoDbError(503, 'ServiceUnavailable', 'Service unavailable');
}

/** The (first) table a request names, for the throttling reason; undefined when it names none. */
export function tableOf(input: unknown): string | undefined {
  if (!isObject(input)) return undefined;
  if (typeof input.TableName === 'string') return input.TableName;
  // BatchGetItem and BatchWriteItem: RequestItems by table name.
  if (isObject(input.RequestItems)) return Object.keys(input.RequestItems)[0];
  // TransactWriteItems / TransactGetItems: [{ Put | Update | Delete | ConditionCheck | Get: { TableName } }].
  const first = Array.isArray(input.TransactItems) ? input.TransactItems[0] : undefined;
  const action = isObject(first) ? Object.values(first)[0] : undefined;
  return isObject(action) && typeof action.TableName === 'string' ? action.TableName : undefined;
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);
