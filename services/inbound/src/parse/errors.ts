import { MailroomError } from '@mailroom/core';

/**
 * Why a raw message could not be parsed. None is retryable: the same bytes fail the same way. An error
 * the attachment sink throws is not wrapped: it is the caller's, with the caller's verdict.
 */
export abstract class InboundParseError extends MailroomError {
  readonly retryable = false;
}

/** Zero bytes. */
export class EmptyMessageError extends InboundParseError {
  readonly code = 'INBOUND.EMPTY';
  readonly httpStatus = 400;
}

/** Not a mail message at all: no header field in front of the body. */
export class NotAMessageError extends InboundParseError {
  readonly code = 'INBOUND.NOT_A_MESSAGE';
  readonly httpStatus = 400;
}

/** Over MAX_MESSAGE_BYTES. */
export class MessageTooLargeError extends InboundParseError {
  readonly code = 'INBOUND.TOO_LARGE';
  readonly httpStatus = 413;
}

/** A part's header block is over MAX_HEADER_BYTES. */
export class HeaderTooLargeError extends InboundParseError {
  readonly code = 'INBOUND.HEADER_TOO_LARGE';
  readonly httpStatus = 413;
}

/** More than MAX_MIME_PARTS parts. */
export class TooManyPartsError extends InboundParseError {
  readonly code = 'INBOUND.TOO_MANY_PARTS';
  readonly httpStatus = 413;
}

/** The parser gave up on the structure for another reason. */
export class MalformedMessageError extends InboundParseError {
  readonly code = 'INBOUND.MALFORMED';
  readonly httpStatus = 400;
}
