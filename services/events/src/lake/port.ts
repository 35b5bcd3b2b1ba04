import { MailroomError } from '@mailroom/core';

/** One object of the event lake, as its S3 event notification names it. */
export interface LakeObjectRef {
  bucket: string;
  key: string;
}

/** Reads lake objects. `open` resolves undefined when the object does not exist (any more). */
export interface LakeObjects {
  open(ref: LakeObjectRef): Promise<AsyncIterable<Uint8Array> | undefined>;
}

/**
 * A lake object or tracker record that no retry can make readable: not gzip, not an S3 notification. The
 * tracker fails the record anyway and the queue's redrive moves it to the DLQ after its last receive.
 */
export class LakeObjectUnreadableError extends MailroomError {
  readonly code = 'EVENTS.LAKE_OBJECT_UNREADABLE';
  readonly retryable = false;
  readonly httpStatus = 500;
}
