/**
 * Child process entry for `inbound-memory`: parses one mail file in a fresh process and reports its
 * peak RSS over IPC. `ours` streams the file through parseMessage with a sink that only counts bytes;
 * `baseline` reads the whole file into a Buffer and calls mailparser's simpleParser; `idle` loads the
 * same modules and parses nothing (the floor both sides stand on).
 */
import { createReadStream, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { parseMessage } from '../services/inbound/src/parse';
import { round } from './result';

type SimpleParser = (input: Buffer) => Promise<{ attachments: { content: Buffer }[] }>;

export interface InboundMemorySample {
  mode: string;
  maxRssMiB: number;
  ms: number;
  attachmentBytes: number;
}

async function main() {
  const [mode, file] = process.argv.slice(2) as [string, string];
  // mailparser is the inbound service's dependency, not the workspace root's.
  const load = createRequire(join(__dirname, '..', 'services', 'inbound', 'package.json'));
  const { simpleParser } = load('mailparser') as { simpleParser: SimpleParser };
  const started = performance.now();
  let attachmentBytes = 0;
  if (mode === 'ours') {
    await parseMessage(createReadStream(file), async (_meta, content) => {
      for await (const chunk of content as AsyncIterable<Buffer>) attachmentBytes += chunk.length;
    });
  } else if (mode === 'baseline') {
    const parsed = await simpleParser(readFileSync(file));
    attachmentBytes = parsed.attachments.reduce((sum, a) => sum + a.content.length, 0);
  }
  const sample: InboundMemorySample = {
    mode,
    maxRssMiB: round(process.resourceUsage().maxRSS / 1024, 1),
    ms: round(performance.now() - started, 0),
    attachmentBytes,
  };
  process.send!(sample);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
