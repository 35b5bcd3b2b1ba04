import {
  checkPrefixes,
  evaluatePrefix,
  formatTimestamp,
  objectKey,
  PrefixError,
} from '../../src/standins/firehose-naming';

const at = new Date('2026-03-04T05:06:07.890Z');

describe('Firehose object names', () => {
  it('formats Java DateTimeFormatter fields in UTC, zero-padded', () => {
    expect(formatTimestamp('yyyy/MM/dd/HH', at)).toBe('2026/03/04/05');
    expect(formatTimestamp('yyyy-MM-dd-HH-mm-ss', at)).toBe('2026-03-04-05-06-07');
    expect(formatTimestamp('yy', at)).toBe('26');
  });

  it('evaluates the timestamp namespace of a Hive-style prefix', () => {
    const prefix =
      'provider=ses/year=!{timestamp:yyyy}/month=!{timestamp:MM}/day=!{timestamp:dd}/hour=!{timestamp:HH}/';
    expect(evaluatePrefix(prefix, at)).toBe('provider=ses/year=2026/month=03/day=04/hour=05/');
  });

  it('appends yyyy/MM/dd/HH/ to a prefix without a timestamp expression, as Firehose does', () => {
    expect(evaluatePrefix('raw/', at)).toBe('raw/2026/03/04/05/');
    expect(evaluatePrefix('', at)).toBe('2026/03/04/05/');
  });

  it('fills random strings and the error output type', () => {
    expect(evaluatePrefix('x/!{firehose:random-string}/!{timestamp:yyyy}/', at)).toMatch(
      /^x\/[\w-]{11}\/2026\/$/,
    );
    expect(evaluatePrefix('errors/!{firehose:error-output-type}/!{timestamp:yyyy}/', at, 'format')).toBe(
      'errors/format/2026/',
    );
  });

  it('names objects <stream>-<version>-<time>-<uuid>, with .gz for GZIP', () => {
    const key = objectKey(
      { name: 'events', versionId: '1', prefix: 'p/!{timestamp:yyyy}/', compression: 'GZIP' },
      at,
    );
    expect(key).toMatch(/^p\/2026\/events-1-2026-03-04-05-06-07-[0-9a-f-]{36}\.gz$/);
    const plain = objectKey({ name: 'events', versionId: '1', prefix: '', compression: 'UNCOMPRESSED' }, at);
    expect(plain).toMatch(/^2026\/03\/04\/05\/events-1-2026-03-04-05-06-07-[0-9a-f-]{36}$/);
  });

  it.each([
    ['p/!{timestamp:yyyy}/', undefined, /ErrorOutputPrefix must be specified/],
    ['p/!{partitionKeyFromQuery:x}/', 'e/', /not a supported expression/],
    ['p/!{firehose:error-output-type}/', 'e/', /not a supported expression/],
    ['p/', 'e/!{nope:x}/', /not a supported expression/],
  ])('refuses prefix %s with error prefix %s', (prefix, errorPrefix, message) => {
    expect(() => checkPrefixes(prefix, errorPrefix)).toThrow(PrefixError);
    expect(() => checkPrefixes(prefix, errorPrefix)).toThrow(message);
  });

  it('accepts the prefixes the events stack declares', () => {
    expect(() =>
      checkPrefixes(
        'provider=sendgrid/year=!{timestamp:yyyy}/month=!{timestamp:MM}/day=!{timestamp:dd}/hour=!{timestamp:HH}/',
        'errors/!{firehose:error-output-type}/year=!{timestamp:yyyy}/',
      ),
    ).not.toThrow();
  });
});
