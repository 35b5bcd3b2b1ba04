/**
 * A small proxy in front of DynamoDB Local that fails DynamoDB requests on purpose, as DynamoDB
 * does when it throttles or fails (dynamodb-errors.ts): a share of them (MAILROOM_FAULTS
 * `dynamodb.throttle`, `dynamodb.5xx`, optionally for one operation), and the next N requests a
 * test asks for (`failNext`), so a test fails exactly where it means to and never by chance.
 * The operation is read from `X-Amz-Target` (`DynamoDB_20120810.TransactWriteItems`); anything
 * else — DynamoDB Streams (`DynamoDBStreams_20120810.*`) included — passes through untouched.
 */
import { Agent, type IncomingMessage, type ServerResponse } from 'node:http';
import { createProxyServer } from 'http-proxy-3';
import { noFaults, pickFault, type DynamoDbShares, type Fault, type Random } from '../faults';
import { DYNAMODB_OPERATIONS } from './dynamodb-operations';
import { failed, tableOf, throttled, type DynamoDbErrorAnswer } from './dynamodb-errors';
import { listen, readBody, type RunningServer } from './http';

const TARGET_PREFIX = 'DynamoDB_20120810.';
// DynamoDB's request size limit is 16 MB (BatchWriteItem); only failed requests are read here.
// https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/ServiceQuotas.html
const BODY_LIMIT = 16 * 1024 * 1024;

export interface FailNextRule {
  /** The DynamoDB operation, e.g. `TransactWriteItems`; any operation when absent. */
  operation?: string;
  /** How many matching requests fail, one after another. Default 1. */
  count?: number;
  /** `throttle`: ProvisionedThroughputExceededException (ThrottlingException for table operations); `5xx`: 500. */
  fault: Fault;
}

export interface FailNext {
  /** How many of the requested failures have not happened yet. */
  remaining(): number;
}

export interface DynamoDbFaultProxyOptions {
  port: number;
  host?: string;
  /** DynamoDB Local's URL. */
  upstream: string;
  /** Read on every request, so changing it in place takes effect at once. */
  faults?: DynamoDbShares;
  random?: Random;
}

export interface DynamoDbFaultProxy extends RunningServer {
  failNext(rule: FailNextRule): FailNext;
  /** Requests answered with an injected fault, by operation. */
  injected(): Record<string, number>;
}

export class UnknownOperationError extends Error {
  override readonly name = 'UnknownOperationError';
}

export async function startDynamoDbFaultProxy(
  options: DynamoDbFaultProxyOptions,
): Promise<DynamoDbFaultProxy> {
  const faults = options.faults ?? noFaults().dynamodb;
  const random = options.random ?? Math.random;
  const queued: Array<{ operation?: string; left: number; fault: Fault }> = [];
  const injected: Record<string, number> = {};
  // Keep-alive to DynamoDB Local, as the SDK keeps its connections to the proxy.
  const agent = new Agent({ keepAlive: true });
  const proxy = createProxyServer({ target: options.upstream, agent });
  proxy.on('error', (error, _req, res) => {
    const out = res as ServerResponse;
    if (!out.headersSent && typeof out.writeHead === 'function') {
      out.writeHead(502, { 'content-type': 'text/plain' });
    }
    out.end?.(`DynamoDB Local did not answer: ${error.message}`);
  });

  /** A queued failure for this operation, used up by one; else a draw against the shares. */
  const decide = (
    operation: string,
  ): { fault: 'throttle' } | { fault: '5xx'; status: 500 | 503 } | undefined => {
    const next = queued.find((q) => q.left > 0 && (q.operation === undefined || q.operation === operation));
    if (next) {
      next.left -= 1;
      return next.fault === 'throttle' ? { fault: 'throttle' } : { fault: '5xx', status: 500 };
    }
    return pickFault(faults.operations[operation] ?? faults, random);
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const target = String(req.headers['x-amz-target'] ?? '');
    const operation = target.startsWith(TARGET_PREFIX) ? target.slice(TARGET_PREFIX.length) : undefined;
    const fault = operation === undefined ? undefined : decide(operation);
    if (!operation || !fault) {
      proxy.web(req, res);
      return;
    }
    injected[operation] = (injected[operation] ?? 0) + 1;
    let answer: DynamoDbErrorAnswer;
    if (fault.fault === 'throttle') {
      const body = await readBody(req, BODY_LIMIT).catch(() => Buffer.alloc(0));
      answer = throttled(operation, tableOf(parse(body)));
    } else {
      req.resume();
      answer = failed(fault.status);
    }
    res.writeHead(answer.status, answer.headers);
    res.end(answer.body);
  };

  const server = await listen(
    (req, res) => {
      handle(req, res).catch((e: unknown) => {
        if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
        res.end(String(e));
      });
    },
    options.port,
    options.host ?? '127.0.0.1',
  );
  return {
    port: server.port,
    failNext: ({ operation, count = 1, fault }) => {
      if (operation !== undefined && !DYNAMODB_OPERATIONS.has(operation)) {
        throw new UnknownOperationError(
          `DynamoDB has no operation ${operation} (e.g. PutItem, TransactWriteItems)`,
        );
      }
      const entry = { operation, left: count, fault };
      queued.push(entry);
      return { remaining: () => entry.left };
    },
    injected: () => ({ ...injected }),
    close: async () => {
      await server.close();
      proxy.close();
      agent.destroy();
    },
  };
}

function parse(body: Buffer): unknown {
  try {
    return JSON.parse(body.toString('utf8'));
  } catch {
    return undefined;
  }
}
