/**
 * Publishes a sent mail's SES events to the Firehose streams its configuration set names, with the
 * real Firehose client, one PutRecord per event in order. SES retries a stream that does not take a
 * record; locally a few tries with backoff, then the event is logged as lost.
 * https://docs.aws.amazon.com/ses/latest/dg/event-publishing-add-event-destination-firehose.html
 */
import { FirehoseClient, PutRecordCommand } from '@aws-sdk/client-firehose';
import type { Logger } from '../logger';
import type { SesConfigurationSets } from './ses-configuration-sets';
import { firehoseRecord, type SesEvent } from './ses-events';

export interface SesPublisherOptions {
  /** The Firehose endpoint (the local cloud's stand-in). */
  endpoint: string;
  region: string;
  logger: Logger;
  /** The first retry's wait, doubled each time (default 200 ms; 5 tries). */
  retryBaseMs?: number;
}

const TRIES = 5;

export class SesPublisher {
  private readonly client: FirehoseClient;
  private chain: Promise<void> = Promise.resolve();

  constructor(private readonly options: SesPublisherOptions) {
    this.client = new FirehoseClient({
      region: options.region,
      endpoint: options.endpoint,
      credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    });
  }

  /** Queues `events` of a mail sent through `set` for publication, after what was queued before. */
  publish(sets: SesConfigurationSets, set: string, events: readonly SesEvent[]): void {
    this.chain = this.chain.then(async () => {
      for (const event of events) {
        for (const destination of sets.destinationsFor(set, event.type)) {
          const stream = destination.deliveryStreamArn.slice(destination.deliveryStreamArn.indexOf('/') + 1);
          await this.put(stream, firehoseRecord(event), event.type);
        }
      }
    });
  }

  async close(): Promise<void> {
    await this.chain;
    this.client.destroy();
  }

  private async put(stream: string, data: Buffer, type: string): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        await this.client.send(new PutRecordCommand({ DeliveryStreamName: stream, Record: { Data: data } }));
        return;
      } catch (e) {
        if (attempt >= TRIES) {
          this.options.logger.warn(
            `[ses] ${type} event lost: Firehose ${stream} did not take it: ${String(e)}`,
          );
          return;
        }
        await new Promise((r) => setTimeout(r, (this.options.retryBaseMs ?? 200) * 2 ** (attempt - 1)));
      }
    }
  }
}
