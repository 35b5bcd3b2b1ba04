/**
 * Big buffers a send container hands from one mail to the next: an attachment read from S3 and the
 * request body that carries its base64 (providers/json-bytes.ts). Each is tens of MB; allocated anew
 * per mail, the last mail's pair is garbage V8 has not collected yet when the next mail's pair is
 * allocated, and the container's peak holds both (bench/README.md, send-memory). Taken from here, the
 * next mail writes into the same memory.
 *
 * - Only buffers of `minBytes` or more are pooled; smaller ones are allocated as usual.
 * - Sizes are rounded up to a whole MiB, so mails of about the same size reuse each other's buffers.
 * - At most `maxKeptBytes` wait here between mails; what does not fit is left to the garbage collector.
 * - A buffer goes back only once nothing else can read or write it: an attachment once its mail's
 *   provider call is over (its base64 was copied into the body), a body only once the provider answered
 *   (it read the whole body), never after a timeout or a dropped connection.
 */
export interface BufferSource {
  /** A buffer of exactly `length` bytes, contents undefined. */
  take(length: number): Buffer;
  /** Hands back a buffer from `take` (others are ignored); the caller must not touch it again. */
  give(buffer: Uint8Array): void;
}

const MIB = 1024 * 1024;

export class BufferPool implements BufferSource {
  private readonly free: ArrayBuffer[] = [];
  /** This pool's allocations out with a caller: only these come back in. */
  private readonly lent = new WeakSet<ArrayBufferLike>();

  constructor(
    readonly maxKeptBytes: number,
    readonly minBytes = MIB,
  ) {}

  /** Bytes waiting here for the next mail. */
  get kept(): number {
    return this.free.reduce((sum, b) => sum + b.byteLength, 0);
  }

  take(length: number): Buffer {
    if (length < this.minBytes) return Buffer.allocUnsafe(length);
    // The smallest free buffer that is big enough.
    let best = -1;
    this.free.forEach((b, i) => {
      if (b.byteLength >= length && (best === -1 || b.byteLength < this.free[best]!.byteLength)) best = i;
    });
    const memory = best === -1 ? this.allocate(length) : this.free.splice(best, 1)[0]!;
    this.lent.add(memory);
    return Buffer.from(memory, 0, length);
  }

  give(buffer: Uint8Array): void {
    const memory = buffer.buffer;
    if (!this.lent.has(memory)) return;
    this.lent.delete(memory);
    if (this.kept + memory.byteLength <= this.maxKeptBytes) this.free.push(memory as ArrayBuffer);
  }

  private allocate(length: number): ArrayBuffer {
    // Not zero-filled: every byte handed out is written before it is read (S3 read, base64 into a body).
    return Buffer.allocUnsafeSlow(Math.ceil(length / MIB) * MIB).buffer as ArrayBuffer;
  }
}

/** No pooling: every buffer allocated anew (tests, and callers without a container to pool for). */
export const unpooled: BufferSource = {
  take: (length) => Buffer.allocUnsafe(length),
  give: () => undefined,
};
