/**
 * Child process entry of the send-memory benchmark: one send container, fresh. It takes its outbound
 * env from the parent (the local cloud's endpoints and resources, and the bound under test), runs the
 * send function's handler once on the batch of SQS records it is sent over IPC, and reports its peak
 * resident set size: the kernel's high-water mark (VmHWM, /proc/self/status) and the highest
 * `process.memoryUsage.rss()` seen by a 5 ms sampler beside it.
 */
import { readFileSync } from 'node:fs';
import type { Context, SQSEvent, SQSRecord } from 'aws-lambda';

export interface ChildRequest {
  records: { messageId: string; body: string }[];
}

export interface ChildReport {
  /** VmHWM: the most resident memory this process ever had, in bytes. */
  peakRss: number;
  /** The highest sampled `rss()`, in bytes (a check on VmHWM; the sampler can miss a short peak). */
  sampledPeakRss: number;
  /** Resident memory once the handler's modules were loaded, before the batch. */
  rssBefore: number;
  wallMs: number;
  /** Records the handler reported back as batch item failures. */
  failures: number;
  /** Filled in by the parent: mails the SES stand-in accepted during the run. */
  sesAccepted?: number;
}

/** VmHWM in bytes (Linux); 0 where /proc is not there. */
function highWaterMark(): number {
  try {
    const line = readFileSync('/proc/self/status', 'utf8')
      .split('\n')
      .find((l) => l.startsWith('VmHWM:'));
    return line ? Number(/(\d+)/.exec(line)![1]) * 1024 : 0;
  } catch {
    return 0;
  }
}

const sqsRecord = ({ messageId, body }: ChildRequest['records'][number]): SQSRecord => ({
  messageId,
  receiptHandle: `handle-${messageId}`,
  body,
  attributes: {
    ApproximateReceiveCount: '1',
    SentTimestamp: String(Date.now()),
    SenderId: 'bench',
    ApproximateFirstReceiveTimestamp: String(Date.now()),
  },
  messageAttributes: {},
  md5OfBody: '',
  eventSource: 'aws:sqs',
  eventSourceARN: 'arn:aws:sqs:us-east-1:000000000000:mailroom-local-send',
  awsRegion: 'us-east-1',
});

async function run(request: ChildRequest): Promise<ChildReport> {
  // The send function as deployed: its handler, its wiring (built from this process' env), its bound.
  const { handler } = await import('../services/outbound/src/functions/send/handler');
  let sampled = process.memoryUsage.rss();
  const sampler = setInterval(() => {
    sampled = Math.max(sampled, process.memoryUsage.rss());
  }, 5);
  const rssBefore = process.memoryUsage.rss();
  const started = performance.now();
  const event: SQSEvent = { Records: request.records.map(sqsRecord) };
  const result = (await handler(event, {} as Context)) as { batchItemFailures?: unknown[] } | undefined;
  const wallMs = performance.now() - started;
  clearInterval(sampler);
  sampled = Math.max(sampled, process.memoryUsage.rss());
  return {
    peakRss: highWaterMark(),
    sampledPeakRss: sampled,
    rssBefore,
    wallMs,
    failures: result?.batchItemFailures?.length ?? 0,
  };
}

process.once('message', (request: ChildRequest) => {
  run(request).then(
    (report) => process.send?.(report, () => process.exit(0)),
    (err: unknown) => {
      console.error(err);
      process.exit(1);
    },
  );
});
process.send?.({ ready: true });
