import { z } from 'zod';
import { LakeObjectUnreadableError, type LakeObjectRef } from './port';

/**
 * An S3 event notification as SQS delivers it (https://docs.aws.amazon.com/AmazonS3/latest/userguide/notification-content-structure.html).
 * Keys arrive URL-encoded, spaces as `+`.
 */
const TestEventSchema = z.looseObject({ Event: z.literal('s3:TestEvent') });
const NotificationSchema = z.looseObject({
  Records: z.array(
    z.looseObject({
      eventName: z.string().optional(),
      s3: z.looseObject({
        bucket: z.looseObject({ name: z.string().min(1) }),
        object: z.looseObject({ key: z.string().min(1) }),
      }),
    }),
  ),
});

/** The objects a tracker queue record names; none for the test event S3 sends when notifications are set up. */
export function lakeObjectsOf(body: string): LakeObjectRef[] {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    throw new LakeObjectUnreadableError('tracker record body is not JSON');
  }
  if (TestEventSchema.safeParse(json).success) return [];
  const parsed = NotificationSchema.safeParse(json);
  if (!parsed.success) throw new LakeObjectUnreadableError('tracker record is not an S3 event notification');
  return parsed.data.Records.filter(
    (r) => r.eventName === undefined || r.eventName.startsWith('ObjectCreated'),
  ).map((r) => ({ bucket: r.s3.bucket.name, key: decodeKey(r.s3.object.key) }));
}

function decodeKey(key: string): string {
  const spaced = key.replace(/\+/g, ' ');
  try {
    return decodeURIComponent(spaced);
  } catch {
    throw new LakeObjectUnreadableError(`object key ${key} is not URL-encoded`);
  }
}
