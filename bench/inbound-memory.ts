import { fork } from 'node:child_process';
import { once } from 'node:events';
import { createWriteStream, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { bigMail } from '../services/inbound/test/support/big-mail';
import type { InboundMemorySample } from './inbound-memory-child';
import { round, type BenchResult } from './result';

const ATTACHMENT_BYTES = 25 * 1024 * 1024;
const ROUNDS = 3;

async function sample(mode: 'ours' | 'baseline' | 'idle', file: string): Promise<InboundMemorySample> {
  const child = fork(join(__dirname, 'inbound-memory-child.ts'), [mode, file], {
    execArgv: ['--import', 'tsx'],
  });
  const [message] = (await once(child, 'message')) as [InboundMemorySample];
  const [code] = (await once(child, 'exit')) as [number];
  if (code !== 0) throw new Error(`${mode} child exited with ${code}`);
  return message;
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

/**
 * Peak RSS of one process parsing a mail with a 25 MiB base64 attachment: the inbound parser
 * (streaming, attachments to a counting sink) against buffering the whole message and calling
 * mailparser's simpleParser. Each measurement is a fresh child process; the sides alternate, 3 rounds,
 * medians reported.
 */
export async function inboundMemory(): Promise<BenchResult> {
  const dir = mkdtempSync(join(tmpdir(), 'mailroom-inbound-memory-'));
  const file = join(dir, 'big.eml');
  try {
    await pipeline(bigMail(ATTACHMENT_BYTES), createWriteStream(file));
    const samples: Record<'ours' | 'baseline' | 'idle', InboundMemorySample[]> = {
      ours: [],
      baseline: [],
      idle: [],
    };
    for (let i = 0; i < ROUNDS; i++) {
      for (const mode of ['idle', 'ours', 'baseline'] as const) samples[mode].push(await sample(mode, file));
    }
    for (const mode of ['ours', 'baseline'] as const) {
      const got = samples[mode].map((s) => s.attachmentBytes);
      if (got.some((bytes) => bytes !== ATTACHMENT_BYTES))
        throw new Error(`${mode} read ${got.join(', ')} bytes`);
    }
    const rss = (mode: keyof typeof samples) => round(median(samples[mode].map((s) => s.maxRssMiB)), 1);
    const ms = (mode: keyof typeof samples) => round(median(samples[mode].map((s) => s.ms)), 0);
    const ours = rss('ours');
    const baseline = rss('baseline');
    const idle = rss('idle');
    return {
      name: 'inbound-memory',
      unit: 'MiB peak RSS',
      ours,
      baseline,
      ratio: round(baseline / ours),
      notes:
        `25 MiB attachment, ${round(statSync(file).size / 2 ** 20, 1)} MiB message; ` +
        `a process that loads the same modules and parses nothing peaks at ${idle} MiB; ` +
        `over that floor ours adds ${round(ours - idle, 1)} MiB, the baseline ${round(baseline - idle, 1)} MiB`,
      idleMiB: idle,
      overIdle: { ours: round(ours - idle, 1), baseline: round(baseline - idle, 1) },
      ms: { ours: ms('ours'), baseline: ms('baseline') },
      messageBytes: statSync(file).size,
      rounds: ROUNDS,
      samples,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
