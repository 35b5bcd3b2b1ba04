import { mapConcurrently } from '../../src/concurrently';

/** A gate per item: the test decides when each call ends. */
const gated = (n: number) => {
  const release: Array<() => void> = [];
  const gates = Array.from({ length: n }, (_, i) => new Promise<void>((resolve) => (release[i] = resolve)));
  return { gates, release };
};

describe('mapConcurrently', () => {
  it('keeps at most `limit` calls in flight and returns results in the items’ order', async () => {
    const { gates, release } = gated(5);
    let inFlight = 0;
    let most = 0;
    const started: number[] = [];
    const done = mapConcurrently([0, 1, 2, 3, 4], 2, async (i) => {
      started.push(i);
      inFlight += 1;
      most = Math.max(most, inFlight);
      await gates[i];
      inFlight -= 1;
      return i * 10;
    });
    await Promise.resolve();
    expect(started).toEqual([0, 1]);
    // Ending them out of order still fills the freed slot with the next item.
    for (const i of [1, 0, 3, 2, 4]) {
      release[i]!();
      await new Promise((resolve) => setImmediate(resolve));
    }
    await expect(done).resolves.toEqual([0, 10, 20, 30, 40]);
    expect(most).toBe(2);
  });

  it('rejects with the first failure', async () => {
    await expect(
      mapConcurrently([1, 2, 3], 3, async (i) => {
        if (i === 2) throw new Error('two failed');
        return i;
      }),
    ).rejects.toThrow('two failed');
  });

  it('resolves to an empty list for no items without calling', async () => {
    const work = jest.fn();
    await expect(mapConcurrently([], 4, work)).resolves.toEqual([]);
    expect(work).not.toHaveBeenCalled();
  });
});
