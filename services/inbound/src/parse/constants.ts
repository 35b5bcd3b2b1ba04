/**
 * Limits of the MIME parser. Each one turns a hostile or broken message into a typed error (errors.ts)
 * instead of unbounded memory or time.
 */

/**
 * The largest raw message accepted, headers included. SES receiving stops at 40 MB per message
 * (https://docs.aws.amazon.com/ses/latest/dg/quotas.html); the headroom above it keeps anything SES
 * delivers (a 30 MiB attachment is 41 MiB once base64-encoded in lines) while still bounding what a
 * message from elsewhere (the local SMTP stand-in, a replay) can make the parser read.
 */
export const MAX_MESSAGE_BYTES = 50 * 1024 * 1024;

/**
 * The largest header block of one MIME part. Real header blocks, Exchange's included, stay in the tens
 * of KiB; Postfix refuses to carry more than 100 KiB (its `header_size_limit`). A 1 MB header line is
 * over it and fails as `INBOUND.HEADER_TOO_LARGE` before anything decodes it.
 */
export const MAX_HEADER_BYTES = 256 * 1024;

/**
 * The most MIME parts (every node of the tree, multiparts included) one message may have: a thousand
 * attachments plus the text, html and multipart nodes around them. More fails as
 * `INBOUND.TOO_MANY_PARTS`.
 */
export const MAX_MIME_PARTS = 1024;

/**
 * How much of a report part (message/delivery-status, message/feedback-report, text/rfc822-headers,
 * message/rfc822) is kept in memory to read the report from, while the part itself still streams to the
 * sink whole. Reports are a few hundred bytes; an original message's header block fits as well.
 */
export const MAX_REPORT_PART_BYTES = 64 * 1024;

/**
 * The longest sanitised display file name, in UTF-16 code units (the original is kept as it came). Most
 * file systems allow 255 bytes; 200 characters leaves room for a suffix.
 */
export const MAX_DISPLAY_FILENAME_LENGTH = 200;

/**
 * An html-only message gets a text version only when its html is at most this long. html-to-text costs
 * about 1 s per MiB of ordinary html and far more on deeply nested markup (100,000 nested elements took
 * 18 s); newsletters are mostly well under this. Longer html is still returned, with `text` null.
 */
export const MAX_HTML_TO_TEXT_LENGTH = 256 * 1024;
