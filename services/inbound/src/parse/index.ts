export { parseMessage } from './parse-message';
export {
  AttachmentInfoSchema,
  AttachmentMetaSchema,
  DecodedHeaderSchema,
  DeliveryReportSchema,
  MailAddressSchema,
  ParsedMessageSchema,
} from './types';
export type {
  AttachmentInfo,
  AttachmentMeta,
  AttachmentSink,
  DecodedHeader,
  DeliveryReport,
  MailAddress,
  ParsedMessage,
} from './types';
export * from './errors';
export * from './constants';
