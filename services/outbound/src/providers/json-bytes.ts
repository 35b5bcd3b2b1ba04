/**
 * A JSON request body with big binary values written into it as base64, built in one buffer of its final
 * length. The usual way — each file's base64 as a string, `JSON.stringify` of the whole body, then the
 * string encoded into the bytes the socket sends — holds a 25 MB file four times over (file, base64
 * string, JSON string, request bytes). Here the body's small part is stringified with a placeholder in
 * each file's place, and each file is encoded straight into its slot of the buffer, a chunk at a time:
 * the file and the request bytes, nothing else of its size.
 */

/** 3 × 16 Ki bytes: a whole number of base64 quanta, so only the last chunk can carry padding. */
const CHUNK_BYTES = 3 * 16 * 1024;

const base64Length = (bytes: number) => Math.ceil(bytes / 3) * 4;

/** Writes `bytes` as base64 into `out` at `offset`; returns the offset after it. */
function writeBase64(out: Buffer, offset: number, bytes: Uint8Array): number {
  let at = offset;
  for (let i = 0; i < bytes.byteLength; i += CHUNK_BYTES) {
    const end = Math.min(i + CHUNK_BYTES, bytes.byteLength);
    // A view of the chunk, not a copy; its base64 is a short-lived string of at most 64 KiB.
    const chunk = Buffer.from(bytes.buffer, bytes.byteOffset + i, end - i).toString('base64');
    at += out.write(chunk, at, 'latin1');
  }
  return at;
}

/**
 * `JSON.stringify(body)` as UTF-8 bytes, where each string value equal to a key of `files` is replaced by
 * that file's base64. Each placeholder must be a JSON-safe string (no quote, backslash or control
 * character) that occurs exactly once as a whole string value: the caller makes them unique per call.
 */
export function jsonWithFiles(
  body: unknown,
  files: ReadonlyMap<string, Uint8Array>,
  allocate: (length: number) => Buffer = Buffer.allocUnsafe,
): Buffer {
  return spliceFiles(JSON.stringify(body), files, allocate);
}

/**
 * A JSON text someone else serialized (an SDK's serializer, as a string or as its UTF-8 bytes), as UTF-8
 * bytes with each string value equal to a key of `files` replaced by that file's base64; the same rules
 * for the placeholders. Only the small part is copied, once. `allocate` gives the body's buffer (a
 * container's pool, buffer-pool.ts).
 */
export function spliceFiles(
  json: string | Uint8Array,
  files: ReadonlyMap<string, Uint8Array>,
  allocate: (length: number) => Buffer = Buffer.allocUnsafe,
): Buffer {
  const text =
    typeof json === 'string'
      ? Buffer.from(json, 'utf8')
      : Buffer.from(json.buffer, json.byteOffset, json.byteLength);
  const slots = [...files].map(([placeholder, bytes]) => {
    const quoted = Buffer.from(`"${placeholder}"`, 'utf8');
    const at = text.indexOf(quoted);
    if (at === -1 || text.indexOf(quoted, at + 1) !== -1)
      throw new Error(`a file's placeholder must occur exactly once in the body (${placeholder})`);
    // Inside the quotes: the quotes stay, the placeholder's characters go.
    return { start: at + 1, end: at + quoted.length - 1, bytes };
  });
  slots.sort((a, b) => a.start - b.start);

  const pieces: Buffer[] = [];
  let from = 0;
  for (const slot of slots) {
    pieces.push(text.subarray(from, slot.start));
    from = slot.end;
  }
  pieces.push(text.subarray(from));
  const length =
    pieces.reduce((sum, piece) => sum + piece.length, 0) +
    slots.reduce((sum, slot) => sum + base64Length(slot.bytes.byteLength), 0);

  const out = allocate(length);
  let at = 0;
  slots.forEach((slot, i) => {
    at += pieces[i]!.copy(out, at);
    at = writeBase64(out, at, slot.bytes);
  });
  pieces[slots.length]!.copy(out, at);
  return out;
}
