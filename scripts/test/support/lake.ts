/**
 * A small event lake on disk, as Firehose writes it: gzip NDJSON objects under
 * provider=<p>/year=YYYY/month=MM/day=DD/hour=HH/, each record a provider event built from the real
 * samples in services/events/test/fixtures with Mailroom's custom args / tags set.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

const fixtures = join(__dirname, '..', '..', '..', 'services', 'events', 'test', 'fixtures');

type Json = Record<string, unknown>;

// The SendGrid sample file starts with a byte-order mark, as its source does.
const sendGridSamples = JSON.parse(
  readFileSync(join(fixtures, 'sendgrid', 'events-all-types.json'), 'utf8').replace(/^\uFEFF/, ''),
) as Json[];

const sesSample = (file: string): Json =>
  JSON.parse(readFileSync(join(fixtures, 'ses-events', 'event-publishing', `${file}.json`), 'utf8')) as Json;

let eventIds = 0;

/** A SendGrid Event Webhook event of `event`'s type for Mailroom's `message` of `tenant`, at `at`. */
export function sendGridEvent(
  event: string,
  message: { id: string; tenant: string },
  at: string,
  extra: Json = {},
): Json {
  const sample = sendGridSamples.find((e) => e.event === event);
  if (!sample) throw new Error(`no SendGrid sample of ${event}`);
  return {
    ...sample,
    timestamp: Date.parse(at) / 1000,
    sg_event_id: `sg-event-${++eventIds}`,
    sg_message_id: `sg-${message.id}.filter0001`,
    mailroom_message_id: message.id,
    mailroom_tenant_id: message.tenant,
    ...extra,
  };
}

/** The SES event key holding an event type's details (and its timestamp). */
const SES_DETAIL: Record<string, string> = {
  send: 'send',
  delivery: 'delivery',
  bounce: 'bounce',
  complaint: 'complaint',
  open: 'open',
  click: 'click',
  'delivery-delay': 'deliveryDelay',
};

/** An SES event publishing record (`file`: the sample's name) for `message`, sent at `sentAt`, happening at `at`. */
export function sesEvent(
  file: keyof typeof SES_DETAIL,
  message: { id: string; tenant: string },
  sentAt: string,
  at: string,
  edit: (event: Json) => void = () => {},
): Json {
  const event = sesSample(file);
  const mail = event.mail as Json & { tags: Record<string, string[]> };
  mail.messageId = `ses-${message.id}`;
  mail.timestamp = sentAt;
  mail.tags.mailroom_message_id = [message.id];
  mail.tags.mailroom_tenant_id = [message.tenant];
  const detail = event[SES_DETAIL[file] as string] as Json;
  if (file !== 'send') detail.timestamp = at;
  edit(event);
  return event;
}

export interface LakeObject {
  provider: 'sendgrid' | 'ses';
  /** When Firehose wrote it, `YYYY-MM-DDTHH`: the partition. */
  hour: string;
  records: Json[];
  /** Lines written as they are (not JSON.stringify'd), after the records. */
  rawLines?: string[];
}

let objects = 0;

/** Writes each object as Firehose would; returns the lake directory. */
export function writeLake(dir: string, lake: LakeObject[]): string {
  for (const { provider, hour, records, rawLines = [] } of lake) {
    const [, year, month, day, hh] = /^(\d{4})-(\d{2})-(\d{2})T(\d{2})$/.exec(hour) ?? [];
    if (!hh) throw new Error(`hour ${hour} is not YYYY-MM-DDTHH`);
    const prefix = join(
      dir,
      `provider=${provider}`,
      `year=${year}`,
      `month=${month}`,
      `day=${day}`,
      `hour=${hh}`,
    );
    mkdirSync(prefix, { recursive: true });
    const lines = [...records.map((r) => JSON.stringify(r)), ...rawLines];
    const name = `mailroom-events-test-${provider}-1-${year}-${month}-${day}-${hh}-00-00-${++objects}.gz`;
    writeFileSync(join(prefix, name), gzipSync(`${lines.join('\n')}\n`));
  }
  return dir;
}
