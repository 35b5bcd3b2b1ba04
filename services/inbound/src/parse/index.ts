export { parseMessage } from './parse-message';
export type { AttachmentInfo, AttachmentMeta, AttachmentSink, MailAddress, ParsedMessage } from './types';
export type { DeliveryReport } from './report';
export type { DecodedHeader } from './header-bytes';
export * from './errors';
export * from './constants';
