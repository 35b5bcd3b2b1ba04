import { GetCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { MailroomError } from '@mailroom/core';
import { isConditionFailure } from '@mailroom/core/aws';

/**
 * The provider's per-second quota, shared by every concurrent `send` invocation.
 *
 * A GCRA (generic cell rate algorithm, a leaky bucket kept as one timestamp): the item holds
 * the "theoretical arrival time" `tat` of the next free slot. Taking a slot moves `tat` one
 * interval (1000 / rate ms) forward with a conditional write, so sends are spaced evenly and
 * never burst above the quota in any one-second window — SES measures its maximum send rate
 * per second (https://docs.aws.amazon.com/ses/latest/dg/manage-sending-quotas.html).
 */
export interface SendBudget {
  /** Waits for a slot; throws `SendBudgetExhaustedError` when none is free within the wait bound. */
  take(): Promise<void>;
}

/** No send slot soon enough: the record goes back to the queue (retryable) instead of waiting longer. */
export class SendBudgetExhaustedError extends MailroomError {
  readonly code = 'PROVIDER.RATE_BUDGET';
  readonly retryable = true;
  readonly httpStatus = 503;
}

export interface BudgetOptions {
  /** Sends per second allowed for this provider account. */
  rate: number;
  /** The longest a caller waits for a slot before giving the record back to the queue. */
  maxWaitMs: number;
  /**
   * How late after its slot a send may still go out. A caller that wakes up later than this (an event
   * loop stall, a frozen container) would bunch up with the sends of the following slots; it leaves its
   * slot empty and takes a new one instead. Keep it under the margin the rate share leaves in each
   * second (1000 / share − 1000 ms: 52 ms at 95%). Default 25 ms.
   */
  lateToleranceMs?: number;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

const DEFAULT_LATE_TOLERANCE_MS = 25;
const MAX_LATE_RETAKES = 3;

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export class DynamoSendBudget implements SendBudget {
  private readonly intervalMs: number;
  private readonly now: () => number;
  private readonly sleep: (ms: number) => Promise<void>;

  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
    /** One budget per provider account, e.g. `ses#us-east-1` or `sendgrid#default`. */
    private readonly account: string,
    private readonly options: BudgetOptions,
  ) {
    if (!(options.rate > 0)) throw new RangeError(`send rate must be positive, got ${options.rate}`);
    this.intervalMs = 1000 / options.rate;
    this.now = options.now ?? Date.now;
    this.sleep = options.sleep ?? defaultSleep;
  }

  /** Reservations made by this container, one at a time (see take). */
  private queue: Promise<unknown> = Promise.resolve();

  async take(): Promise<void> {
    const tolerance = this.options.lateToleranceMs ?? DEFAULT_LATE_TOLERANCE_MS;
    for (let attempt = 1; ; attempt += 1) {
      // The records of a batch reserve their slots one after another: concurrent callers in the same
      // container would only race each other's conditional writes on the one budget item, and every
      // lost race is another round trip that delays everybody's send.
      const slot = this.queue.then(() => this.reserveSlot());
      this.queue = slot.catch(() => undefined);
      const at = await slot;
      const wait = at - this.now();
      if (wait > 0) await this.sleep(wait);
      // Bounded: a container too slow to ever make its slot still sends, late, rather than never.
      if (this.now() - at <= tolerance || attempt === MAX_LATE_RETAKES + 1) return;
      this.lateRetakes += 1;
    }
  }

  /** Slots this instance left empty because it woke up too late for them (see lateToleranceMs). */
  lateRetakes = 0;

  private async reserveSlot(): Promise<number> {
    for (;;) {
      const slot = await this.reserve();
      if (slot !== undefined) return slot;
    }
  }

  /** One optimistic attempt: the reserved slot time, or undefined when another caller won the race. */
  private async reserve(): Promise<number | undefined> {
    const key = { pk: `RATE#${this.account}`, sk: 'RATE' };
    const current = await this.doc.send(
      new GetCommand({ TableName: this.tableName, Key: key, ConsistentRead: true }),
    );
    const tat = current.Item?.tat as number | undefined;
    const now = this.now();
    const slot = Math.max(tat ?? 0, now);
    if (slot - now > this.options.maxWaitMs) {
      throw new SendBudgetExhaustedError(
        `no send slot within ${this.options.maxWaitMs} ms at ${this.options.rate}/s for ${this.account}`,
      );
    }
    try {
      await this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: key,
          UpdateExpression: 'SET tat = :next',
          ConditionExpression: tat === undefined ? 'attribute_not_exists(tat)' : 'tat = :seen',
          ExpressionAttributeValues: {
            ':next': slot + this.intervalMs,
            ...(tat !== undefined && { ':seen': tat }),
          },
        }),
      );
      return slot;
    } catch (err) {
      if (isConditionFailure(err)) return undefined;
      throw err;
    }
  }
}
