/**
 * `pnpm bench [name]`: runs the benchmarks (each side by side with its baseline, in one run),
 * writes bench/results/<name>.json and prints a table.
 */
import { budgetScale } from '../bench/budget-scale';
import { inboundMemory } from '../bench/inbound-memory';
import { lakeWrites } from '../bench/lake-writes';
import { rateLimit } from '../bench/rate-limit';
import { writeResult, type BenchResult } from '../bench/result';
import { sendMemory } from '../bench/send-memory';
import { sendThroughput } from '../bench/send-throughput';
import { statusRead } from '../bench/status-read';
import { webhookVerify } from '../bench/webhook-verify';
import { tenantFairness } from '../bench/tenant-fairness';
import { trackThroughput } from '../bench/track-throughput';

const benchmarks: Record<string, () => Promise<BenchResult>> = {
  'send-throughput': sendThroughput,
  'rate-limit': rateLimit,
  'budget-scale': budgetScale,
  'send-memory': sendMemory,
  'webhook-verify': webhookVerify,
  'tenant-fairness': tenantFairness,
  'inbound-memory': inboundMemory,
  'track-throughput': trackThroughput,
  'status-read': statusRead,
  'lake-writes': lakeWrites,
};

async function main() {
  const wanted = process.argv.slice(2);
  const unknown = wanted.filter((name) => !(name in benchmarks));
  if (unknown.length) {
    console.error(`unknown benchmark ${unknown.join(', ')}; known: ${Object.keys(benchmarks).join(', ')}`);
    process.exit(2);
  }
  const results: BenchResult[] = [];
  for (const name of wanted.length ? wanted : Object.keys(benchmarks)) {
    console.log(`running ${name} …`);
    const result = await benchmarks[name]!();
    console.log(`  wrote ${writeResult(result)}`);
    results.push(result);
  }
  console.table(
    results.map(({ name, unit, ours, baseline, ratio, notes }) => ({
      name,
      unit,
      ours,
      baseline,
      ratio,
      notes,
    })),
  );
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
