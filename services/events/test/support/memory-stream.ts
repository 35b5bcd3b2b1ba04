import type { BatchOutcome, EventStream } from '../../src/stream/port';

/**
 * An EventStream in memory: keeps what it accepted and fails the records a test chooses. `failWhen`
 * sees each record (its NDJSON line) and how many times that same line was put before.
 */
export class InMemoryEventStream implements EventStream {
  readonly accepted: string[] = [];
  readonly calls: string[][] = [];
  private readonly tries = new Map<string, number>();

  constructor(
    private readonly failWhen: (line: string, previousTries: number) => string | undefined = () => undefined,
    private readonly throwWhen: (call: number) => Error | undefined = () => undefined,
  ) {}

  async putBatch(records: readonly Buffer[]): Promise<BatchOutcome> {
    const lines = records.map((r) => r.toString('utf8'));
    this.calls.push(lines);
    const thrown = this.throwWhen(this.calls.length);
    if (thrown) throw thrown;
    const failed: BatchOutcome['failed'] = [];
    lines.forEach((line, index) => {
      const previous = this.tries.get(line) ?? 0;
      this.tries.set(line, previous + 1);
      const code = this.failWhen(line, previous);
      if (code) failed.push({ index, code });
      else this.accepted.push(line);
    });
    return { failed };
  }

  /** The events it accepted, parsed. */
  events(): unknown[] {
    return this.accepted.map((line) => JSON.parse(line) as unknown);
  }
}
