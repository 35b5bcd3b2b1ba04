import { BufferPool } from '../../src/buffer-pool';

const MIB = 1024 * 1024;

describe('BufferPool', () => {
  it('hands the next mail the memory the last one gave back, sized to what it asked for', () => {
    const pool = new BufferPool(64 * MIB);
    const first = pool.take(25 * MIB - 7);
    expect(first.length).toBe(25 * MIB - 7);
    pool.give(first);
    expect(pool.kept).toBe(25 * MIB);
    // A mail of about the same size: the same memory (sizes round up to a whole MiB).
    const second = pool.take(25 * MIB - 100);
    expect(second.buffer).toBe(first.buffer);
    expect(second.length).toBe(25 * MIB - 100);
    expect(pool.kept).toBe(0);
  });

  it('takes the smallest free buffer that is big enough, and allocates when none is', () => {
    const pool = new BufferPool(128 * MIB);
    const small = pool.take(10 * MIB);
    const big = pool.take(40 * MIB);
    pool.give(big);
    pool.give(small);
    expect(pool.take(9 * MIB).buffer).toBe(small.buffer);
    const bigger = pool.take(41 * MIB);
    expect(bigger.buffer).not.toBe(big.buffer);
    expect(pool.kept).toBe(40 * MIB);
  });

  it('keeps no more than its bound between mails', () => {
    const pool = new BufferPool(50 * MIB);
    const a = pool.take(30 * MIB);
    const b = pool.take(30 * MIB);
    pool.give(a);
    pool.give(b); // 60 MiB would be over the bound: left to the garbage collector
    expect(pool.kept).toBe(30 * MIB);
  });

  it('does not pool small buffers, and ignores buffers it did not lend or already got back', () => {
    const pool = new BufferPool(64 * MIB);
    const small = pool.take(1000);
    pool.give(small);
    pool.give(Buffer.alloc(5 * MIB));
    expect(pool.kept).toBe(0);
    const lent = pool.take(5 * MIB);
    pool.give(lent);
    pool.give(lent); // twice: kept once
    expect(pool.kept).toBe(5 * MIB);
  });
});
