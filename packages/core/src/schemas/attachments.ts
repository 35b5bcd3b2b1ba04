import { z } from 'zod';
import { headerSafeString } from './common';
import { MAX_ATTACHMENT_BYTES, MAX_CONTENT_ID_LENGTH, MAX_FILENAME_LENGTH } from './limits';
import { TOO_LARGE } from './issues';

/**
 * Extensions SES refuses to send (https://docs.aws.amazon.com/ses/latest/dg/mime-types.html). Refusing
 * them at the API gives the caller a 400 instead of a message that fails after it was queued.
 */
const BLOCKED_EXTENSIONS = new Set(
  (
    'ade adp app asp bas bat cer chm cmd com cpl crt csh der exe fxp gadget hlp hta inf ins isp its js jse ' +
    'ksh lib lnk mad maf mag mam maq mar mas mat mau mav maw mda mdb mde mdt mdw mdz msc msh msh1 msh2 ' +
    'mshxml msh1xml msh2xml msi msp mst ops pcd pif plg prf prg reg scf scr sct shb shs sys ps1 ps1xml ps2 ' +
    'ps2xml psc1 psc2 tmp url vb vbe vbs vps vsmacros vss vst vsw vxd ws wsc wsf wsh xnk'
  ).split(' '),
);

export const isBlockedFilename = (filename: string): boolean => {
  const dot = filename.lastIndexOf('.');
  return dot >= 0 && BLOCKED_EXTENSIONS.has(filename.slice(dot + 1).toLowerCase());
};

const ONE_OF = 'key (an uploaded file) or content (inline base64) is required';
const NOT_BOTH = 'give either key or content, not both';

export const FilenameSchema = headerSafeString('filename')
  .min(1)
  .max(MAX_FILENAME_LENGTH)
  .refine((s) => !/[/\\]/.test(s), { error: 'filename must not contain / or \\' })
  .refine((s) => !isBlockedFilename(s), {
    error: 'this file type cannot be sent (https://docs.aws.amazon.com/ses/latest/dg/mime-types.html)',
  })
  .meta({ description: 'File name as the recipient sees it.' });

/** type/subtype with RFC 6838 §4.2 restricted-name characters; no parameters. */
export const ContentTypeSchema = z
  .string()
  .max(255)
  .regex(/^[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]{0,126}\/[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]{0,126}$/, {
    error: 'must be a media type such as "application/pdf"',
  })
  .meta({ description: 'Media type, e.g. "application/pdf".' });

/** Keys are made by Mailroom (`POST /v1/attachments`); the outbound service checks they belong to the tenant. */
export const AttachmentKeySchema = z
  .string({ error: (iss) => (iss.input === undefined ? ONE_OF : undefined) })
  .min(1)
  .max(1024)
  .regex(/^[\x21-\x7e]+$/, { error: 'must be the key returned by POST /v1/attachments' })
  .refine((s) => !s.split('/').includes('..'), { error: 'must not contain ".." segments' });

/** Bounded by the request's queue-body size check (see limits.ts), which answers 413 rather than 400. */
const InlineContentSchema = z.base64({
  error: (iss) =>
    iss.input === undefined
      ? ONE_OF
      : iss.code === 'invalid_format'
        ? 'content must be base64 (RFC 4648, with padding)'
        : undefined,
});

const attachmentFields = {
  filename: FilenameSchema,
  contentType: ContentTypeSchema,
  disposition: z.enum(['attachment', 'inline']).optional().meta({
    description: '"inline" to reference the file from HTML as cid:<contentId>. Default "attachment".',
  }),
  contentId: headerSafeString('contentId').min(1).max(MAX_CONTENT_ID_LENGTH).optional(),
};

export const UploadedAttachmentSchema = z
  .strictObject({
    ...attachmentFields,
    key: AttachmentKeySchema.meta({ description: 'Key returned by POST /v1/attachments.' }),
    content: z.never({ error: NOT_BOTH }).optional(),
  })
  .meta({ id: 'UploadedAttachment', description: 'A file uploaded through POST /v1/attachments.' });

export const InlineAttachmentSchema = z
  .strictObject({
    ...attachmentFields,
    content: InlineContentSchema.meta({ description: 'Small inline content, base64.' }),
    key: z.never({ error: NOT_BOTH }).optional(),
  })
  .meta({ id: 'InlineAttachment', description: 'A small file given inline, base64-encoded.' });

/**
 * Exactly one of `key` and `content`, as a union so TypeScript narrows on it. validationDetails shows the
 * branch with the fewest problems, so a bad base64 string is reported as such, not as "key missing".
 */
export const AttachmentSchema = z
  .union([UploadedAttachmentSchema, InlineAttachmentSchema])
  .superRefine((a, ctx) => {
    if (a.disposition === 'inline' && a.contentId === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['contentId'],
        message: 'contentId is required for inline attachments',
      });
    }
  })
  .meta({
    id: 'Attachment',
    description:
      'A file: either `key` of an object uploaded through POST /v1/attachments, or small inline base64 `content`.',
  });
export type Attachment = z.infer<typeof AttachmentSchema>;

export const AttachmentUploadRequestSchema = z
  .strictObject({
    filename: FilenameSchema,
    contentType: ContentTypeSchema,
    size: z
      .number()
      .int()
      .min(1)
      .refine((n) => n <= MAX_ATTACHMENT_BYTES, {
        error: `size must be at most ${MAX_ATTACHMENT_BYTES} bytes`,
        params: TOO_LARGE,
      })
      .meta({ description: 'Size in bytes of the file to upload.' }),
  })
  .meta({ id: 'AttachmentUploadRequest', description: 'Announces a file to upload with the returned URL.' });
export type AttachmentUploadRequest = z.infer<typeof AttachmentUploadRequestSchema>;

/** Bytes encoded by a base64 string (RFC 4648 §4), without decoding it. */
export const base64DecodedLength = (b64: string): number => {
  const padding = b64.endsWith('==') ? 2 : b64.endsWith('=') ? 1 : 0;
  return Math.max(0, Math.floor((b64.length * 3) / 4) - padding);
};
