import { limits } from '@mailroom/core';
import { QueueBodyTooLargeError } from './errors';
import type { DeliveryPayload } from './payload';

/** A queue destination's message: the payload, and whether it had to be cut to fit. */
export type QueueBody = DeliveryPayload & { truncated: boolean };

/** SQS's message size limit, 256 KiB (core's limits cite it). */
export const MAX_QUEUE_MESSAGE_BYTES = limits.MAX_QUEUE_BODY_BYTES;

const bytes = (value: unknown): number => Buffer.byteLength(JSON.stringify(value));

/**
 * The JSON sent to a queue destination, under `max` bytes. When the whole payload does not fit, it is
 * cut in this order, with `truncated: true`, until it does: `text` and `html` shortened (sharing the
 * room that is left); then `headers` dropped; then only as many `attachments` listed as fit. The whole
 * mail stays readable at `GET /v1/inbound/{id}`.
 */
export function queueBody(payload: DeliveryPayload, max = MAX_QUEUE_MESSAGE_BYTES): string {
  const whole: QueueBody = { ...payload, truncated: false };
  if (bytes(whole) <= max) return JSON.stringify(whole);

  let cut: QueueBody = { ...payload, truncated: true };
  const bare = (b: QueueBody): QueueBody => ({
    ...b,
    text: b.text === null ? null : '',
    html: b.html === null ? null : '',
  });
  if (bytes(bare(cut)) > max) cut = { ...cut, headers: [] };
  if (bytes(bare(cut)) > max) {
    const listed = cut.attachments;
    // Each listed attachment adds its JSON and a comma.
    let size = bytes(bare({ ...cut, attachments: [] }));
    let keep = 0;
    while (keep < listed.length && size + bytes(listed[keep]) + (keep > 0 ? 1 : 0) <= max) {
      size += bytes(listed[keep]) + (keep > 0 ? 1 : 0);
      keep++;
    }
    cut = { ...cut, attachments: listed.slice(0, keep) };
  }
  if (bytes(bare(cut)) > max) {
    throw new QueueBodyTooLargeError(
      `inbound ${payload.id}: even without bodies, headers and attachments the queue body is over ${max} bytes`,
    );
  }
  const room = max - bytes(bare(cut));
  const textNeed = cut.text === null ? 0 : escapedBytes(cut.text);
  const htmlNeed = cut.html === null ? 0 : escapedBytes(cut.html);
  // Half each; what one needs less of goes to the other.
  const textRoom = Math.min(textNeed, Math.max(Math.floor(room / 2), room - htmlNeed));
  const htmlRoom = room - textRoom;
  return JSON.stringify({
    ...cut,
    text: cut.text === null ? null : cutToBytes(cut.text, textRoom),
    html: cut.html === null ? null : cutToBytes(cut.html, htmlRoom),
  });
}

/** Bytes `text` takes inside a JSON string (UTF-8, escapes counted). */
function escapedBytes(text: string): number {
  return Buffer.byteLength(JSON.stringify(text)) - 2;
}

/** The longest prefix of `text` whose JSON string body fits in `room` bytes, never splitting a character. */
function cutToBytes(text: string, room: number): string {
  let used = 0;
  let end = 0;
  for (const char of text) {
    const size = escapedBytes(char);
    if (used + size > room) break;
    used += size;
    end += char.length;
  }
  return text.slice(0, end);
}
