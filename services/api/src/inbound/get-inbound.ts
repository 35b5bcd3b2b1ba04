import { NotFoundError } from '@mailroom/core';
import type { InboundApiDeps } from './deps';
import { inboundSummary } from './view';

/**
 * `GET /v1/inbound/{id}` in the contract's shape: the record, the bodies from the parsed message JSON
 * (`parsedKey`; null before parsing, or for mail that was never parsed) and, per attachment, a download
 * URL valid `downloadUrlSeconds`. Another tenant's mail — and unrouted mail, which has no tenant — is a
 * 404 exactly like an absent id.
 */
export async function getInbound(tenantId: string, id: string, deps: InboundApiDeps) {
  const record = await deps.inbound.get(tenantId, id);
  if (!record) throw new NotFoundError(`no inbound mail ${id}`);
  const [bodies, urls] = await Promise.all([
    record.parsedKey === null ? null : deps.parsed.bodies(record.parsedKey),
    Promise.all(
      record.attachments.map((a) =>
        deps.parsed.downloadUrl(
          a.key,
          { filename: a.filename, contentType: a.contentType },
          deps.downloadUrlSeconds,
        ),
      ),
    ),
  ]);
  const { attachments, verdicts, linkedMessageId, dsn, ...head } = inboundSummary(record);
  return {
    ...head,
    text: bodies?.text ?? null,
    html: bodies?.html ?? null,
    attachments: attachments.map((a, i) => ({ ...a, url: urls[i]! })),
    verdicts,
    linkedMessageId,
    dsn,
  };
}
