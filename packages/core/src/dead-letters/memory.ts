import type { DeadLetterQueue, DlqDepth, DlqRecord } from './port';

/**
 * A queue and its DLQ in arrays, with SQS's receive/hide/reveal/delete semantics (no clock: a record
 * stays hidden until revealed or removed).
 */
export class InMemoryDeadLetterQueue implements DeadLetterQueue {
  /** What reached the source queue, in order. */
  readonly source: string[] = [];
  private dlq: Array<{ id: string; body: string; hidden: boolean; receives: number }> = [];
  private n = 0;
  /** Set to make sendToSource fail as SQS would, after `sendsBeforeFailure` more successful sends. */
  failSend?: Error;
  sendsBeforeFailure = 0;
  /** Set to make remove (DeleteMessage) fail. */
  failRemove?: Error;
  /** Set to make receive (ReceiveMessage) fail. */
  failReceive?: Error;

  constructor(
    readonly sourceUrl: string,
    readonly dlqUrl: string,
  ) {}

  /** Puts a body in the DLQ, as SQS does after its receives. */
  park(body: string): void {
    this.dlq.push({ id: `sqs-${++this.n}`, body, hidden: false, receives: 5 });
  }

  /** Every body in the DLQ, hidden or not. */
  bodies(): string[] {
    return this.dlq.map((r) => r.body);
  }

  async depth(): Promise<DlqDepth> {
    return {
      visible: this.dlq.filter((r) => !r.hidden).length,
      inFlight: this.dlq.filter((r) => r.hidden).length,
    };
  }

  async receive(max: number): Promise<DlqRecord[]> {
    if (this.failReceive) throw this.failReceive;
    const batch = this.dlq.filter((r) => !r.hidden).slice(0, Math.min(max, 10));
    for (const r of batch) {
      r.hidden = true;
      r.receives++;
    }
    return batch.map((r) => ({
      sqsMessageId: r.id,
      body: r.body,
      receiptHandle: r.id,
      receiveCount: r.receives,
    }));
  }

  async reveal(handles: readonly string[]): Promise<void> {
    for (const r of this.dlq) if (handles.includes(r.id)) r.hidden = false;
  }

  async sendToSource(body: string): Promise<void> {
    if (this.failSend) {
      if (this.sendsBeforeFailure <= 0) throw this.failSend;
      this.sendsBeforeFailure--;
    }
    this.source.push(body);
  }

  async remove(handle: string): Promise<void> {
    if (this.failRemove) throw this.failRemove;
    this.dlq = this.dlq.filter((r) => r.id !== handle);
  }
}
