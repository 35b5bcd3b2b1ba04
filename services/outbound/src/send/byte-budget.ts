import type { SendQueueMessage } from '@mailroom/core';
import { attachmentBytes, type AttachmentSource } from '../outgoing-mail';

/**
 * Bounds the attachment memory a container holds at once (MAILROOM_SEND_BYTES_IN_FLIGHT_MB). A mail's
 * attachments are in memory from the moment they are loaded until the provider has answered, and the
 * request body carries them once more as base64 (heldBytes), so a batch of 10 big mails sent all at once
 * outgrows the function's memory: the batch dies and comes back whole. Under the bound, big mails wait
 * their turn while the rest of the batch goes on.
 *
 * - First come, first served: a waiting mail is never overtaken, so a big one is not starved by a stream
 *   of small ones behind it.
 * - A mail larger than the whole bound runs once nothing else is in flight, alone (it must be sendable).
 * - A mail without attachments (0 bytes) does not wait.
 */
export class ByteBudget {
  private inFlight = 0;
  private readonly waiting: { bytes: number; grant: () => void }[] = [];

  constructor(readonly limitBytes: number) {
    if (!(limitBytes > 0)) throw new RangeError(`the byte bound must be positive, got ${limitBytes}`);
  }

  /** Bytes held right now (for tests and logs). */
  get held(): number {
    return this.inFlight;
  }

  /** Mails waiting for their turn. */
  get queued(): number {
    return this.waiting.length;
  }

  /** Waits for room for `bytes`; resolves with the release, which is safe to call more than once. */
  async acquire(bytes: number): Promise<() => void> {
    if (bytes <= 0) return () => undefined;
    if (this.waiting.length === 0 && this.fits(bytes)) this.inFlight += bytes;
    else await new Promise<void>((grant) => this.waiting.push({ bytes, grant }));
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.inFlight -= bytes;
      this.pump();
    };
  }

  /** Runs `work` holding `bytes`, and gives them back however it ends. */
  async run<T>(bytes: number, work: () => Promise<T>): Promise<T> {
    const release = await this.acquire(bytes);
    try {
      return await work();
    } finally {
      release();
    }
  }

  private fits(bytes: number): boolean {
    return this.inFlight === 0 || this.inFlight + bytes <= this.limitBytes;
  }

  /** Grants the waiting mails in order, as far as they fit. */
  private pump(): void {
    while (this.waiting.length > 0 && this.fits(this.waiting[0]!.bytes)) {
      const next = this.waiting.shift()!;
      this.inFlight += next.bytes;
      next.grant();
    }
  }
}

/**
 * What a mail with `fileBytes` of attachments holds while it is sent: the files as loaded, and the request
 * body with their base64 (4 characters for 3 bytes), which both providers build in one buffer with the
 * base64 written straight into it (providers/json-bytes.ts: ses.ts splices it into the SDK's serialized
 * body, sendgrid-service.ts builds the body with it).
 * Garbage the process has not collected yet (the S3 read's chunks) comes on top, and the buffers kept
 * for the next mail (buffer-pool.ts); neither is any one mail's, and bench/README.md (send-memory)
 * measures them.
 */
export const heldBytes = (fileBytes: number): number => fileBytes + Math.ceil(fileBytes / 3) * 4;

/**
 * Takes the room a message's attachments need (heldBytes) from the container's bound
 * (`deps.bytesInFlight`), waiting for its turn; resolves with the release. Without a bound, or without
 * attachments, nothing waits.
 */
export async function holdBytes(
  deps: { bytesInFlight?: ByteBudget; attachments: AttachmentSource },
  message: SendQueueMessage,
): Promise<() => void> {
  if (!deps.bytesInFlight || !message.attachments?.length) return noBytes;
  return deps.bytesInFlight.acquire(heldBytes(await attachmentBytes(message, deps.attachments)));
}

export const noBytes = (): void => undefined;
