import { SendQueueMessageSchema, validationDetails, type SendQueueMessage } from '@mailroom/core';
import type { SendDeps, SendOutcome } from './deps';

export type ParsedRecord =
  | { ok: true; message: SendQueueMessage }
  | { ok: false; error: string; ids?: { id: string; tenantId: string } };

/** A send queue body, validated; when invalid, the ids it names (if any) and why it is invalid. */
export function parseRecord(body: string): ParsedRecord {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    return { ok: false, error: 'body is not JSON' };
  }
  const parsed = SendQueueMessageSchema.safeParse(json);
  if (parsed.success) return { ok: true, message: parsed.data };
  const { id, tenantId } = (json ?? {}) as { id?: unknown; tenantId?: unknown };
  const ids = typeof id === 'string' && typeof tenantId === 'string' ? { id, tenantId } : undefined;
  const error = validationDetails(parsed.error)
    .map((d) => `${d.path}: ${d.message}`)
    .join('; ');
  return { ok: false, error, ids };
}

/**
 * A poison record is consumed, never looped; when it names a known message, that message says why
 * (the details are our own validation messages, safe to show).
 */
export async function rejectInvalid(
  parsed: Extract<ParsedRecord, { ok: false }>,
  { messages, logger }: Pick<SendDeps, 'messages' | 'logger'>,
): Promise<SendOutcome> {
  logger.warn('rejected an invalid send record', { error: parsed.error, ids: parsed.ids });
  if (parsed.ids && (await messages.get(parsed.ids.id))?.tenantId === parsed.ids.tenantId) {
    const lastError = `REQUEST.INVALID: ${parsed.error}`.slice(0, 1000);
    await messages.transition(parsed.ids.id, parsed.ids.tenantId, {
      status: 'rejected',
      lastError,
      event: { type: 'rejected', provider: null, data: { code: 'REQUEST.INVALID', reason: parsed.error } },
    });
  }
  return 'rejected';
}
