/** Receipt bucket keys, each built from ids only (docs/inbound.md). */
export const keys = {
  raw: (sesMessageId: string) => `raw/${sesMessageId}`,
  processed: (sesMessageId: string) => `processed/${sesMessageId}`,
  failed: (sesMessageId: string) => `failed/${sesMessageId}`,
  attachment: (id: string, index: number) => `parsed/${id}/${index}`,
  message: (id: string) => `parsed/${id}/message.json`,
};

/** A raw object SES wrote: directly under `raw/` (the rule's prefix), with no path of its own. */
export const isRawKey = (key: string): boolean => /^raw\/[A-Za-z0-9][A-Za-z0-9._-]{0,254}$/.test(key);
