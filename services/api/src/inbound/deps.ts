import type { Cursors, InboundRetryMessage, InboundStore } from '@mailroom/core';

/** The parsed mail in the receipt bucket (`parsed/<id>/…`), as the inbound endpoints read it. */
export interface ParsedMail {
  /** `text` and `html` of the parsed message JSON at `key`; null when the object is gone. */
  bodies(key: string): Promise<{ text: string | null; html: string | null } | null>;
  /** A short-lived GET URL of an attachment object, offered for download under its file name. */
  downloadUrl(
    key: string,
    file: { filename: string; contentType: string },
    expiresInSeconds: number,
  ): Promise<string>;
}

/** What the `/v1/inbound` use cases need; wiring.ts builds the real ones. */
export interface InboundApiDeps {
  inbound: Pick<InboundStore, 'get' | 'list' | 'update'>;
  parsed: ParsedMail;
  cursors: Cursors;
  /** Puts a retry request on the inbound queue, for the `process` function. */
  requeue(message: InboundRetryMessage): Promise<void>;
  /** How long attachment download URLs stay valid. */
  downloadUrlSeconds: number;
}
