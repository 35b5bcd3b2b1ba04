import {
  assertMessageSize,
  base64DecodedLength,
  base64EncodedSize,
  estimateMessageSize,
  limits,
  PayloadTooLargeError,
} from '../../src';

const base = { from: 'a@example.com', to: ['b@example.com'], subject: 'Hi', text: 'Hello' };

describe('estimateMessageSize', () => {
  it('counts base64 with CRLF-terminated 76-character lines', () => {
    expect(base64EncodedSize(0)).toBe(0);
    expect(base64EncodedSize(57)).toBe(78);
    expect(base64EncodedSize(58)).toBe(84);
    expect(base64DecodedLength('aGVsbG8=')).toBe(5);
    expect(base64DecodedLength('aGk=')).toBe(2);
  });

  it('grows with bodies and inline attachments, and is never below the encoded content', () => {
    const small = estimateMessageSize(base);
    const withHtml = estimateMessageSize({ ...base, html: 'x'.repeat(30_000) });
    expect(withHtml - small).toBeGreaterThanOrEqual(40_000);
    const content = Buffer.alloc(3_000).toString('base64');
    const withAttachment = estimateMessageSize({
      ...base,
      attachments: [{ filename: 'a.bin', contentType: 'application/octet-stream', content }],
    });
    expect(withAttachment - small).toBeGreaterThanOrEqual(4_000);
  });

  it('counts uploaded attachments only when their sizes are known', () => {
    const msg = {
      ...base,
      attachments: [{ filename: 'big.pdf', contentType: 'application/pdf', key: 'acme/1/big.pdf' }],
    };
    expect(estimateMessageSize(msg)).toBeLessThan(10_000);
    const known = estimateMessageSize(msg, { attachmentSize: () => 30_000_000 });
    expect(known).toBeGreaterThan(limits.MAX_MESSAGE_BYTES);
  });

  it('throws PayloadTooLargeError (413) past the SES limit when sizes are known', () => {
    const msg = {
      ...base,
      attachments: [{ filename: 'big.pdf', contentType: 'application/pdf', key: 'acme/1/big.pdf' }],
    };
    expect(() => assertMessageSize(msg, { attachmentSize: () => 29_000_000 })).not.toThrow();
    expect(() => assertMessageSize(msg, { attachmentSize: () => 30_000_000 })).toThrow(PayloadTooLargeError);
  });
});
