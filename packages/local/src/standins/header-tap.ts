/**
 * Keeps the header block of a mail streaming past (the bytes before the first empty line), at most
 * `limit` bytes of it, so the SMTP ingress can write the notification without holding the mail.
 */
import type { MailHeader } from './ses-receipt';

/** Far more than the 10 KB SES lists, so the common headers are found after a long trace. */
export const HEADER_BLOCK_LIMIT = 256 * 1024;

export class HeaderTap {
  private readonly chunks: Buffer[] = [];
  private size = 0;
  private ended = false;
  /** The block went past `limit` without ending. */
  cut = false;

  constructor(private readonly limit = HEADER_BLOCK_LIMIT) {}

  push(chunk: Buffer): void {
    if (this.ended || this.cut) return;
    const take = chunk.subarray(0, this.limit - this.size);
    if (this.size === 0 && (take[0] === 0x0a || (take[0] === 0x0d && take[1] === 0x0a))) {
      this.ended = true; // no header block at all
      return;
    }
    // The last few bytes seen, so an empty line split across chunks is still found.
    const tail = this.tail();
    const window = Buffer.concat([tail, take]);
    const at = findBlankLine(window);
    this.chunks.push(take);
    this.size += take.length;
    if (at >= 0) {
      const end = this.size - take.length - tail.length + at;
      this.chunks.splice(0, this.chunks.length, Buffer.concat(this.chunks).subarray(0, end));
      this.size = end;
      this.ended = true;
    } else if (this.size >= this.limit) this.cut = true;
  }

  private tail(): Buffer {
    const parts: Buffer[] = [];
    let need = 3;
    for (let i = this.chunks.length - 1; i >= 0 && need > 0; i--) {
      const c = this.chunks[i]!;
      parts.unshift(c.subarray(Math.max(0, c.length - need)));
      need -= Math.min(need, c.length);
    }
    return Buffer.concat(parts);
  }

  /** The header fields, unfolded, in order; a line that is no field (no colon) is skipped. */
  headers(): MailHeader[] {
    const text = Buffer.concat(this.chunks).toString('utf8');
    const out: MailHeader[] = [];
    for (const line of text.split(/\r?\n(?![ \t])/)) {
      const colon = line.indexOf(':');
      if (colon <= 0) continue;
      const name = line.slice(0, colon).trim();
      if (!/^[!-9;-~]+$/.test(name)) continue;
      out.push({
        name,
        value: line
          .slice(colon + 1)
          .replace(/\r?\n[ \t]+/g, ' ')
          .trim(),
      });
    }
    return out;
  }
}

/** Index of the end of the header block (where its final line break starts), or -1. */
function findBlankLine(block: Buffer): number {
  for (let i = 0; i < block.length; i++) {
    if (block[i] !== 0x0a) continue;
    if (block[i + 1] === 0x0a) return i;
    if (block[i + 1] === 0x0d && block[i + 2] === 0x0a) return i;
  }
  return -1;
}
