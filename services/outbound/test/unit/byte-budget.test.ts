import { ByteBudget, heldBytes } from '../../src/send/byte-budget';

/** Lets every promise that can settle settle (grants are handed out synchronously on release). */
const settle = () => new Promise<void>((resolve) => setImmediate(resolve));

/** Starts an acquire and records when it is granted. */
function start(budget: ByteBudget, bytes: number, order: string[], name: string) {
  const granted = budget.acquire(bytes).then((release) => {
    order.push(name);
    return release;
  });
  return granted;
}

describe('ByteBudget (the send path’s bound on attachment bytes in flight)', () => {
  it('lets mails through at once while they fit, and makes the next one wait for room', async () => {
    const budget = new ByteBudget(100);
    const order: string[] = [];
    const a = start(budget, 40, order, 'a');
    const b = start(budget, 60, order, 'b');
    const c = start(budget, 10, order, 'c');
    await settle();
    expect(order).toEqual(['a', 'b']);
    expect(budget.held).toBe(100);
    expect(budget.queued).toBe(1);
    (await a)();
    await settle();
    expect(order).toEqual(['a', 'b', 'c']);
    expect(budget.held).toBe(70);
    (await b)();
    (await c)();
    expect(budget.held).toBe(0);
  });

  it('serves waiting mails first come, first served: a small one never overtakes a big one', async () => {
    const budget = new ByteBudget(100);
    const order: string[] = [];
    const first = start(budget, 90, order, 'first');
    const big = start(budget, 80, order, 'big');
    const small = start(budget, 5, order, 'small'); // would fit beside `first`, but `big` came earlier
    await settle();
    expect(order).toEqual(['first']);
    (await first)();
    await settle();
    expect(order).toEqual(['first', 'big', 'small']);
    expect(budget.held).toBe(85);
    (await big)();
    (await small)();
  });

  it('runs a mail larger than the whole bound once nothing else is in flight, alone', async () => {
    const budget = new ByteBudget(100);
    const order: string[] = [];
    const before = start(budget, 30, order, 'before');
    const huge = start(budget, 250, order, 'huge');
    const after = start(budget, 10, order, 'after');
    await settle();
    expect(order).toEqual(['before']);
    (await before)();
    await settle();
    expect(order).toEqual(['before', 'huge']);
    expect(budget.held).toBe(250);
    (await huge)();
    await settle();
    expect(order).toEqual(['before', 'huge', 'after']);
    (await after)();
    expect(budget.held).toBe(0);
  });

  it('lets a mail without attachments through without waiting or counting', async () => {
    const budget = new ByteBudget(100);
    const order: string[] = [];
    const full = start(budget, 100, order, 'full');
    const waiting = start(budget, 1, order, 'waiting');
    const none = start(budget, 0, order, 'none');
    await settle();
    expect(order).toEqual(['full', 'none']);
    expect(budget.held).toBe(100);
    (await full)();
    (await waiting)();
    (await none)();
  });

  it('gives the bytes back when the work fails, and a release called twice counts once', async () => {
    const budget = new ByteBudget(100);
    await expect(
      budget.run(60, async () => {
        expect(budget.held).toBe(60);
        throw new Error('provider down');
      }),
    ).rejects.toThrow('provider down');
    expect(budget.held).toBe(0);

    const release = await budget.acquire(50);
    const other = await budget.acquire(50);
    release();
    release();
    expect(budget.held).toBe(50);
    other();
    expect(budget.held).toBe(0);
  });

  it('refuses a bound that is not positive', () => {
    expect(() => new ByteBudget(0)).toThrow(RangeError);
    expect(() => new ByteBudget(Number.NaN)).toThrow(RangeError);
  });
});

describe('heldBytes (what a mail holds while it is sent)', () => {
  it('counts the files and their base64 in the request body, padding included', () => {
    expect(heldBytes(0)).toBe(0);
    expect(heldBytes(1)).toBe(1 + 4);
    expect(heldBytes(3)).toBe(3 + 4);
    expect(heldBytes(4)).toBe(4 + 8);
    // The send-memory bench's file: 58.3 MB, over the default bound of 40 MiB, so it is sent alone.
    expect(heldBytes(25_000_000)).toBe(25_000_000 + 33_333_336);
  });
});
