import { deliveryPayload } from '../../../src/destinations/payload';
import { MAX_QUEUE_MESSAGE_BYTES, queueBody } from '../../../src/destinations/queue-body';
import { QueueBodyTooLargeError } from '../../../src/destinations/errors';
import { delivery } from '../../support/delivery';

const size = (s: string) => Buffer.byteLength(s);

describe('queue body', () => {
  it('is the whole payload with truncated: false when it fits', () => {
    const payload = deliveryPayload(delivery());
    expect(JSON.parse(queueBody(payload))).toEqual({ ...payload, truncated: false });
  });

  it('takes text, html and headers from the stored parsed message, and nulls for what it lacks', () => {
    const payload = deliveryPayload(delivery({ message: { text: 'only text', headers: 'not a list' } }));
    expect(payload).toMatchObject({ text: 'only text', html: null, headers: [] });
    expect(deliveryPayload(delivery({ message: null }))).toMatchObject({
      text: null,
      html: null,
      headers: [],
    });
  });

  it('cuts text and html to fit 256 KiB, sharing the room, never splitting a character', () => {
    const text = 'あ'.repeat(200_000); // 600 KB of UTF-8
    const html = `<p>${'"quoted"\n'.repeat(50_000)}</p>`; // escapes grow it in JSON
    const body = queueBody(deliveryPayload(delivery({ message: { text, html, headers: [] } })));
    expect(size(body)).toBeLessThanOrEqual(MAX_QUEUE_MESSAGE_BYTES);
    expect(size(body)).toBeGreaterThan(MAX_QUEUE_MESSAGE_BYTES - 64);
    const parsed = JSON.parse(body);
    expect(parsed.truncated).toBe(true);
    expect(text.startsWith(parsed.text)).toBe(true);
    expect(html.startsWith(parsed.html)).toBe(true);
    expect(parsed.text.length).toBeGreaterThan(30_000);
    expect(parsed.html.length).toBeGreaterThan(30_000);
    expect(parsed.attachments).toHaveLength(1);
  });

  it('gives one body the room the other does not need', () => {
    const text = 'x'.repeat(400_000);
    const parsed = JSON.parse(
      queueBody(deliveryPayload(delivery({ message: { text, html: '<p>short</p>' } }))),
    );
    expect(parsed.html).toBe('<p>short</p>');
    expect(parsed.text.length).toBeGreaterThan(MAX_QUEUE_MESSAGE_BYTES - 2_000);
  });

  it('drops the headers, then lists only the attachments that fit, when the bodies alone cannot make room', () => {
    const headers = [{ name: 'X-Long', value: 'h'.repeat(300_000) }];
    const withHeaders = JSON.parse(queueBody(deliveryPayload(delivery({ message: { text: 't', headers } }))));
    expect(withHeaders).toMatchObject({ truncated: true, headers: [], text: 't' });

    const many = delivery();
    many.attachments = Array.from({ length: 1000 }, (_, i) => ({
      filename: `file-${i}.bin`,
      contentType: 'application/octet-stream',
      size: i,
      url: `http://localhost:4566/bucket/parsed/x/${i}?X-Amz-Signature=${'s'.repeat(400)}`,
    }));
    const body = queueBody(deliveryPayload(many));
    expect(size(body)).toBeLessThanOrEqual(MAX_QUEUE_MESSAGE_BYTES);
    const parsed = JSON.parse(body);
    expect(parsed.truncated).toBe(true);
    expect(parsed.attachments.length).toBeGreaterThan(100);
    expect(parsed.attachments.length).toBeLessThan(1000);
    expect(parsed.attachments).toEqual(many.attachments.slice(0, parsed.attachments.length));
  });

  it('refuses, as permanent, a payload that cannot fit even cut down', () => {
    const huge = delivery({
      record: { to: Array.from({ length: 20_000 }, (_, i) => `rcpt-${i}@example.com`) },
    });
    expect(() => queueBody(deliveryPayload(huge))).toThrow(QueueBodyTooLargeError);
  });
});
