import { lines, MAX_LINE_CHARS } from '../../src/lake/lines';
import { lakeObjectsOf } from '../../src/lake/notification';
import { LakeObjectUnreadableError } from '../../src/lake/port';
import { S3_TEST_EVENT, s3Notification } from '../support/lake';

const chunked = (text: string, size: number) =>
  (async function* () {
    const bytes = Buffer.from(text, 'utf8');
    for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size);
  })();
const collect = async (source: AsyncIterable<Uint8Array>) => {
  const out: string[] = [];
  for await (const line of lines(source)) out.push(line);
  return out;
};

describe('lines', () => {
  it('splits on newlines across chunk boundaries, multi-byte characters included', async () => {
    const text = '{"s":"日本語"}\n{"s":"é"}\r\n\n{"s":"last"}';
    for (const size of [1, 2, 3, 5, 64]) {
      await expect(collect(chunked(text, size))).resolves.toEqual([
        '{"s":"日本語"}',
        '{"s":"é"}',
        '{"s":"last"}',
      ]);
    }
  });

  it('refuses a line longer than any Firehose record could be', async () => {
    const long = 'x'.repeat(MAX_LINE_CHARS + 10);
    await expect(collect(chunked(long, 64 * 1024))).rejects.toBeInstanceOf(LakeObjectUnreadableError);
  });

  it('passes on an error of its source', async () => {
    const failing = (async function* () {
      yield Buffer.from('{"a":1}\n');
      throw new Error('socket hang up');
    })();
    await expect(collect(failing)).rejects.toThrow('socket hang up');
  });
});

describe('lakeObjectsOf (S3 event notifications)', () => {
  it('names each created object, its key decoded (%3D, + for a space)', () => {
    expect(lakeObjectsOf(s3Notification('lake', 'provider=ses/year=2026/a b+c.gz'))).toEqual([
      { bucket: 'lake', key: 'provider=ses/year=2026/a b+c.gz' },
    ]);
  });

  it('names nothing for the test event S3 sends when notifications are set up', () => {
    expect(lakeObjectsOf(S3_TEST_EVENT)).toEqual([]);
  });

  it('ignores records that are not object creations', () => {
    const body = JSON.parse(s3Notification('lake', 'provider=ses/x')) as { Records: { eventName: string }[] };
    body.Records[0]!.eventName = 'ObjectRemoved:Delete';
    expect(lakeObjectsOf(JSON.stringify(body))).toEqual([]);
  });

  it.each([
    ['not JSON', 'nope'],
    ['JSON that is not a notification', '{"hello":"world"}'],
    ['a key that is not URL-encoded', s3Notification('lake', 'x').replace('"key":"x"', '"key":"%E0%A4%A"')],
  ])('refuses a record that is %s', (_name, body) => {
    expect(() => lakeObjectsOf(body)).toThrow(LakeObjectUnreadableError);
  });
});
