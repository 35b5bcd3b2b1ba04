import { matches, parseNotificationConfiguration } from '../../src/standins/s3-notification-config';
import { eventKey, eventNameOf, s3Target } from '../../src/standins/s3-notifications';

describe('S3 notification helpers', () => {
  it('reads bucket and key path-style and virtual-hosted, and leaves SQS and SNS requests alone', () => {
    expect(s3Target('/lake/provider%3Dses/a%20b.gz?x-id=PutObject', { host: 'localhost:4566' })).toEqual({
      bucket: 'lake',
      key: 'provider=ses/a b.gz',
      query: new URLSearchParams('x-id=PutObject'),
    });
    expect(s3Target('/k/e/y', { host: 'lake.localhost:4566' })).toEqual(
      expect.objectContaining({ bucket: 'lake', key: 'k/e/y' }),
    );
    expect(s3Target('/lake?notification', { host: '127.0.0.1:4566' })).toEqual(
      expect.objectContaining({ bucket: 'lake', key: undefined }),
    );
    expect(s3Target('/', { 'content-type': 'application/x-amz-json-1.0' })).toBeUndefined();
    expect(s3Target('/', { 'content-type': 'application/x-www-form-urlencoded' })).toBeUndefined();
    expect(s3Target('/_fauxqs/queues', {})).toBeUndefined();
  });

  it('names the event each write causes, and none for sub-resources and parts', () => {
    const target = (url: string) => s3Target(url, { host: 'localhost' })!;
    expect(eventNameOf('PUT', target('/b/k?x-id=PutObject'), {})).toBe('ObjectCreated:Put');
    expect(eventNameOf('PUT', target('/b/k?X-Amz-Signature=abc&X-Amz-Expires=60'), {})).toBe(
      'ObjectCreated:Put',
    );
    expect(eventNameOf('PUT', target('/b/k'), { 'x-amz-copy-source': 'b/j' })).toBe('ObjectCreated:Copy');
    expect(eventNameOf('POST', target('/b/k?uploadId=1'), {})).toBe('ObjectCreated:CompleteMultipartUpload');
    expect(eventNameOf('DELETE', target('/b/k?x-id=DeleteObject'), {})).toBe('ObjectRemoved:Delete');
    expect(eventNameOf('PUT', target('/b/k?uploadId=1&partNumber=1'), {})).toBeUndefined();
    expect(eventNameOf('PUT', target('/b/k?tagging'), {})).toBeUndefined();
    expect(eventNameOf('POST', target('/b/k?uploads'), {})).toBeUndefined();
    expect(eventNameOf('DELETE', target('/b/k?uploadId=1'), {})).toBeUndefined();
    expect(eventNameOf('PUT', target('/b'), {})).toBeUndefined();
    expect(eventNameOf('GET', target('/b/k'), {})).toBeUndefined();
  });

  it('URL-encodes keys as S3 event messages do: a space is +, slashes stay', () => {
    expect(eventKey('provider=ses/year=2026/Happy Face.jpg')).toBe(
      'provider%3Dses/year%3D2026/Happy+Face.jpg',
    );
    expect(eventKey("a(b)!c'~*.gz")).toBe('a%28b%29%21c%27%7E*.gz');
    expect(eventKey('日本/x+y')).toBe('%E6%97%A5%E6%9C%AC/x%2By');
  });

  it('matches event kinds with wildcards and both filter rules', () => {
    const [config] = parseNotificationConfiguration(
      '<NotificationConfiguration><QueueConfiguration><Queue>arn:aws:sqs:us-east-1:000000000000:q</Queue>' +
        '<Event>s3:ObjectCreated:*</Event><Filter><S3Key><FilterRule><Name>Prefix</Name><Value>provider=</Value>' +
        '</FilterRule><FilterRule><Name>suffix</Name><Value>.gz</Value></FilterRule></S3Key></Filter>' +
        '</QueueConfiguration></NotificationConfiguration>',
    );
    expect(config?.rules).toEqual([
      { name: 'prefix', value: 'provider=' },
      { name: 'suffix', value: '.gz' },
    ]);
    expect(config?.id).toEqual(expect.any(String));
    expect(matches(config!, 'ObjectCreated:Put', 'provider=ses/x.gz')).toBe(true);
    expect(matches(config!, 'ObjectCreated:CompleteMultipartUpload', 'provider=ses/x.gz')).toBe(true);
    expect(matches(config!, 'ObjectRemoved:Delete', 'provider=ses/x.gz')).toBe(false);
    expect(matches(config!, 'ObjectCreated:Put', 'errors/x.gz')).toBe(false);
    expect(matches(config!, 'ObjectCreated:Put', 'provider=ses/x.json')).toBe(false);
  });

  it('refuses two prefix rules in one filter, as S3 does', () => {
    expect(() =>
      parseNotificationConfiguration(
        '<NotificationConfiguration><QueueConfiguration><Queue>arn:aws:sqs:us-east-1:000000000000:q</Queue>' +
          '<Event>s3:ObjectCreated:*</Event><Filter><S3Key><FilterRule><Name>prefix</Name><Value>a</Value>' +
          '</FilterRule><FilterRule><Name>prefix</Name><Value>b</Value></FilterRule></S3Key></Filter>' +
          '</QueueConfiguration></NotificationConfiguration>',
      ),
    ).toThrow(/more than one prefix or suffix/);
  });
});
