/**
 * Child process entry: an SES stand-in with a sending quota, in a process of its own, as the real
 * provider is. Requests are timed on arrival by its own event loop, so a stall of the benchmark
 * process (GC, a burst of CPU work) delays sends as a slow network would, but cannot make the
 * stand-in see requests that left spaced out as one burst. Controlled over IPC by `startSesProcess`
 * (harness.ts).
 */
import { constants, setPriority } from 'node:os';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { startSesStandIn } from '@mailroom/local';
import { round } from './result';

export type SesProcessRequest = { id: number } & ({ op: 'setMaxSendRate'; rate: number } | { op: 'stats' });

/**
 * The provider runs on machines of its own; here it shares two cores with DynamoDB Local and the
 * consumers, and a process the scheduler leaves waiting reads requests late, in a bunch. A higher
 * scheduling priority keeps its clock closer to the requests' arrival. Raising it needs root (or
 * CAP_SYS_NICE); without, the stand-in runs at normal priority, and the result says so.
 */
function raisePriority(): boolean {
  try {
    setPriority(constants.priority.PRIORITY_HIGH);
    return true;
  } catch {
    return false;
  }
}

async function main() {
  const raised = raisePriority();
  const ses = await startSesStandIn({ port: 0 });
  // How late this process got to its work: requests are timed when it reads them.
  const loop = monitorEventLoopDelay({ resolution: 10 });
  loop.enable();
  process.on('message', (request: SesProcessRequest) => {
    if (request.op === 'setMaxSendRate') {
      ses.setMaxSendRate(request.rate);
      loop.reset();
    }
    process.send?.({
      id: request.id,
      ...(request.op === 'stats' && { stats: { ...ses.stats(), loopDelayMax: round(loop.max / 1e6, 1) } }),
    });
  });
  process.on('disconnect', () => void ses.close().finally(() => process.exit(0)));
  process.send?.({ ready: true, port: ses.port, raised });
}

void main();
