import fc from 'fast-check';
import { ENDPOINTS, label, type Endpoint } from './catalogue';
import { ErrorBodySchema, type Answer, type Call } from './support/call';
import { fuzzRequest, validRequest } from './support/fuzz';
import { ownedIds, startWorld, type World } from './support/world';

/**
 * Generated requests against every endpoint of every service (catalogue.ts), mostly with tenant B's key:
 * odd and %-encoded path segments, query values, headers, random and huge bodies. Whatever comes in, the
 * answer is never a 5xx, every 4xx carries the contract's error body, and nothing of tenant A's shows.
 *
 * The seed is fixed, so every run sends the same requests; run counts and a time limit per endpoint bound
 * it (about 450 requests in all). Each route's first request is a valid one of tenant B's, so every
 * route is seen answering past its checks, not only refusing.
 */
const SEED = Number(process.env.MAILROOM_FUZZ_SEED ?? 20261203);
/** Per route. `MAILROOM_FUZZ_RUNS=500 MAILROOM_FUZZ_SEED=<n> pnpm exec jest test/http/fuzz.test.ts` digs deeper. */
const RUNS = { keyed: Number(process.env.MAILROOM_FUZZ_RUNS ?? 30), public: 3 };
/** A safety valve for a very slow machine, far above what the runs take (about 3 s per route here). */
const TIME_LIMIT_MS = 1_000 * RUNS.keyed;
jest.setTimeout(120_000 + TIME_LIMIT_MS);

describe('fuzzing every HTTP endpoint', () => {
  let world: World;

  beforeAll(async () => {
    world = await startWorld(ENDPOINTS);
  });
  afterAll(async () => {
    await world?.stop();
  });

  /** What is wrong with an answer, or null: a 5xx, a 4xx out of shape, or tenant A's data. */
  const problem = (request: Call, answer: Answer): string | null => {
    if (answer.status >= 500 || answer.status < 200) return `status ${answer.status}`;
    if (answer.status >= 400 && !ErrorBodySchema.safeParse(answer.json).success)
      return 'error body out of shape';
    if (answer.raw.includes(world.a.marker) || answer.raw.includes('"tenantId":"acme"'))
      return "tenant A's data";
    // An id of A's may come back only where the request carried it (a 404 names what it did not find).
    const sent = JSON.stringify(request);
    const echoed = ownedIds(world.a).filter((id) => answer.raw.includes(id) && !sent.includes(id));
    return echoed.length ? `tenant A's ids ${echoed.join(', ')}` : null;
  };

  it.each(ENDPOINTS.map((e) => [`${e.service} ${label(e)}`, e] as const))(
    '%s: never a 5xx, every 4xx in the error shape, never tenant A’s data',
    async (_, endpoint: Endpoint) => {
      const statuses: number[] = [];
      await fc.assert(
        fc.asyncProperty(fuzzRequest(endpoint, world.a, world.b), async (request) => {
          const answer = await world.call(endpoint, request);
          statuses.push(answer.status);
          const found = problem(request, answer);
          if (found) throw new Error(`${found}: ${answer.status} ${answer.raw.slice(0, 500)}`);
        }),
        {
          seed: SEED,
          numRuns: endpoint.auth === 'public' ? RUNS.public : RUNS.keyed,
          interruptAfterTimeLimit: TIME_LIMIT_MS,
          markInterruptAsFailure: false,
          examples: [[validRequest(endpoint, world.b)]],
        },
      );
      // The valid request was served (a signed webhook aside: no signature can be made here; an ops
      // endpoint refuses tenant B, who is not the operator).
      const first = statuses[0]!;
      const expected = { signature: 401, operator: 403 }[endpoint.auth as string];
      expect(expected === undefined ? first < 300 : first === expected).toBe(true);
    },
  );
});
