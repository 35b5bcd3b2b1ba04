import { NotFoundError } from '@mailroom/core';
import type { InboundApiDeps } from './deps';
import { inboundSummary } from './view';

/**
 * Bodies larger than this (as JSON) are not inlined: a Lambda answer is at most 6 MB
 * (https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html, "Invocation payload"), and
 * the rest of the detail — attachment URLs among it — needs room too. HTML with inline images passes it.
 */
export const MAX_INLINE_BODY_BYTES = 4 * 1024 * 1024;

/**
 * `GET /v1/inbound/{id}` in the contract's shape: the record, the bodies from the parsed message JSON
 * (`parsedKey`; null before parsing, or for mail that was never parsed) and, per attachment, a download
 * URL valid `downloadUrlSeconds`. Bodies too large to answer inline are null, and `bodiesUrl` is then a
 * download URL of the parsed message JSON (else null). Another tenant's mail — and unrouted mail, which
 * has no tenant — is a 404 exactly like an absent id.
 */
export async function getInbound(tenantId: string, id: string, deps: InboundApiDeps) {
  const record = await deps.inbound.get(tenantId, id);
  if (!record) throw new NotFoundError(`no inbound mail ${id}`);
  const url = (key: string, file: { filename: string; contentType: string }) =>
    deps.parsed.downloadUrl(key, file, deps.downloadUrlSeconds);
  const [bodies, urls] = await Promise.all([
    record.parsedKey === null ? null : deps.parsed.bodies(record.parsedKey),
    Promise.all(record.attachments.map((a) => url(a.key, a))),
  ]);
  const text = bodies?.text ?? null;
  const html = bodies?.html ?? null;
  const tooLarge =
    record.parsedKey !== null && Buffer.byteLength(JSON.stringify([text, html])) > MAX_INLINE_BODY_BYTES;
  const { attachments, verdicts, linkedMessageId, dsn, ...head } = inboundSummary(record);
  return {
    ...head,
    text: tooLarge ? null : text,
    html: tooLarge ? null : html,
    bodiesUrl: tooLarge
      ? await url(record.parsedKey!, { filename: 'message.json', contentType: 'application/json' })
      : null,
    attachments: attachments.map((a, i) => ({ ...a, url: urls[i]! })),
    verdicts,
    linkedMessageId,
    dsn,
  };
}
