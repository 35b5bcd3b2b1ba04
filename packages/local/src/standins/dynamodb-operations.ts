/**
 * The DynamoDB API's operations as the AWS SDK knows them (one `<Operation>Command` each), and
 * which of them read or write items: what the fault proxy and MAILROOM_FAULTS name operations by.
 * https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_Operations_Amazon_DynamoDB.html
 */
import * as sdk from '@aws-sdk/client-dynamodb';

export const DYNAMODB_OPERATIONS: ReadonlySet<string> = new Set(
  Object.keys(sdk)
    .filter((name) => name.endsWith('Command') && name !== '$Command')
    .map((name) => name.slice(0, -'Command'.length)),
);

/** The operations on items (the data plane), which DynamoDB throttles by throughput. */
export const ITEM_OPERATIONS: ReadonlySet<string> = new Set([
  'GetItem',
  'BatchGetItem',
  'Query',
  'Scan',
  'TransactGetItems',
  'PutItem',
  'UpdateItem',
  'DeleteItem',
  'BatchWriteItem',
  'TransactWriteItems',
  'ExecuteStatement',
  'BatchExecuteStatement',
  'ExecuteTransaction',
]);

/** Those that only read; a PartiQL statement may do either and is counted as a write. */
export const ITEM_READS: ReadonlySet<string> = new Set([
  'GetItem',
  'BatchGetItem',
  'Query',
  'Scan',
  'TransactGetItems',
]);
