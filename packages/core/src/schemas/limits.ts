/**
 * Limits that shape a SendMailRequest. Each says where it comes from; a provider's limit enforced here
 * means a request accepted by the API is not refused later, after it was queued.
 */

/** "The message may not include more than 50 recipients, across the To:, CC: and BCC: fields."
 * https://docs.aws.amazon.com/ses/latest/APIReference-V2/API_Destination.html */
export const MAX_RECIPIENTS = 50;

/** RFC 5322 §2.1.1: a line is at most 998 characters; Mailroom keeps a subject to one such line. */
export const MAX_SUBJECT_LENGTH = 998;

/** SES v2: 40 MB per message, attachments included, after base64 encoding
 * (https://docs.aws.amazon.com/ses/latest/dg/quotas.html, https://docs.aws.amazon.com/ses/latest/dg/attachments.html).
 * Read as decimal megabytes, the stricter reading. */
export const MAX_MESSAGE_BYTES = 40_000_000;

/** SendGrid: "The total size of your email, including attachments, must be less than 30MB"
 * (https://www.twilio.com/docs/sendgrid/api-reference/mail-send#limitations). Decimal, as for SES. */
export const SENDGRID_MAX_MESSAGE_BYTES = 30_000_000;

/** SendGrid carries Mailroom's tags as categories (`name:value`): at most 10 per message, each at most 255
 * characters (SendGrid's OpenAPI for mail/send, https://github.com/twilio/sendgrid-oai, `categories`). */
export const SENDGRID_MAX_CATEGORIES = 10;
export const SENDGRID_MAX_CATEGORY_LENGTH = 255;

/** The largest single upload. Base64 in CRLF-ended 76-character lines grows data by 4/3 · 78/76 ≈ 1.368
 * (size.ts), so a 40 MB message carries about 29.2 MB of file; 29 MB leaves room for headers and bodies.
 * (30 MB, as before, was refused later by the message size check.) */
export const MAX_ATTACHMENT_BYTES = 29_000_000;

/** Mailroom's bound on attachments per message (keeps MIME assembly and S3 reads per send small). */
export const MAX_ATTACHMENTS = 20;

/**
 * The send queue carries the whole request (inline attachments included). 256 KiB is the SQS message size
 * every SQS endpoint and emulator accepts (https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/quotas-messages.html);
 * larger content goes through `POST /v1/attachments` and S3.
 */
export const MAX_QUEUE_BODY_BYTES = 256 * 1024;

/** Room in the queue body for what the send path adds: `tenantId` (≤ 63), `id` (26), `version`. */
export const QUEUE_ENVELOPE_BYTES = 160;

/** SES v2 Attachment.FileName: at most 255 characters.
 * https://docs.aws.amazon.com/ses/latest/APIReference-V2/API_Attachment.html */
export const MAX_FILENAME_LENGTH = 255;

/** SES v2 Attachment.ContentId: 1–78 characters (RFC 5322's recommended line length). */
export const MAX_CONTENT_ID_LENGTH = 78;

/** SES MessageTag name/value: ASCII letters, digits, "_" and "-", at most 256 characters.
 * https://docs.aws.amazon.com/ses/latest/APIReference-V2/API_MessageTag.html */
export const MAX_TAG_LENGTH = 256;
export const MAX_TAGS = 50;

/** Mailroom's bound on the tags' total size, taken from SendGrid's 10,000-byte `custom_args` total
 * (https://www.twilio.com/docs/sendgrid/api-reference/mail-send/mail-send) less room for Mailroom's own
 * `mailroom_message_id` and `mailroom_tenant_id` there. (SendGrid carries the tags themselves as categories: see above.) */
export const MAX_TAGS_TOTAL_BYTES = 9_000;

/** Metadata is stored with the message item (DynamoDB items are at most 400 KB:
 * https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/ServiceQuotas.html) next to its
 * event timeline; 8 KiB keeps it a small share of that. */
export const MAX_METADATA_BYTES = 8 * 1024;
export const MAX_METADATA_KEYS = 50;

/** Nesting levels of metadata, counting the metadata object itself as one. DynamoDB stores at most 32
 * levels (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/ServiceQuotas.html, "Nested
 * attribute depth"), and the message item and any store that embeds metadata in a map of its own take some;
 * 16 leaves room. It also bounds every recursive walk over metadata (validation, hashing, serialising). */
export const MAX_METADATA_DEPTH = 16;

/** Mailroom's bound on Reply-To addresses. */
export const MAX_REPLY_TO = 10;
