/**
 * Where Firehose puts an object in S3: the destination's Prefix with its `!{namespace:value}`
 * expressions evaluated, then `<stream>-<version>-<yyyy-MM-dd-HH-mm-ss>-<random>` (and `.gz` for GZIP).
 * https://docs.aws.amazon.com/firehose/latest/dev/s3-prefixes.html
 * https://docs.aws.amazon.com/firehose/latest/dev/basic-deliver.html#s3-object-name
 */
import { randomBytes, randomUUID } from 'node:crypto';

export class PrefixError extends Error {
  override readonly name = 'PrefixError';
}

const EXPRESSION = /!\{([^}:]*):([^}]*)\}/g;
// Java DateTimeFormatter letters Firehose prefixes use in practice; anything else is literal.
const DATE_FIELD = /y+|M+|d+|H+|m+|s+/g;

const pad = (n: number, width: number) => String(n).padStart(width, '0');

/** `yyyy/MM/dd/HH` (Java DateTimeFormatter letters) of `at`, in UTC as Firehose evaluates them. */
export function formatTimestamp(pattern: string, at: Date): string {
  return pattern.replace(DATE_FIELD, (field) => {
    const width = field.length;
    switch (field[0]) {
      case 'y':
        return width === 2 ? pad(at.getUTCFullYear() % 100, 2) : pad(at.getUTCFullYear(), width);
      case 'M':
        return pad(at.getUTCMonth() + 1, width);
      case 'd':
        return pad(at.getUTCDate(), width);
      case 'H':
        return pad(at.getUTCHours(), width);
      case 'm':
        return pad(at.getUTCMinutes(), width);
      default:
        return pad(at.getUTCSeconds(), width);
    }
  });
}

/**
 * Checks a destination's prefixes as CreateDeliveryStream does: only the `timestamp` and `firehose`
 * namespaces exist, `error-output-type` belongs in the error prefix, and a prefix with expressions
 * needs an error prefix.
 */
export function checkPrefixes(prefix: string | undefined, errorOutputPrefix: string | undefined): void {
  const check = (value: string, field: string, allowed: readonly string[]) => {
    for (const [, namespace = '', name = ''] of value.matchAll(EXPRESSION)) {
      if (namespace === 'timestamp' && name !== '') continue;
      if (namespace === 'firehose' && allowed.includes(name)) continue;
      throw new PrefixError(`${field}: !{${namespace}:${name}} is not a supported expression`);
    }
  };
  check(prefix ?? '', 'Prefix', ['random-string']);
  check(errorOutputPrefix ?? '', 'ErrorOutputPrefix', ['random-string', 'error-output-type']);
  if (/!\{/.test(prefix ?? '') && !errorOutputPrefix) {
    throw new PrefixError('ErrorOutputPrefix must be specified when Prefix contains expressions');
  }
}

/**
 * The prefix for objects whose oldest record arrived at `at`. A prefix without a timestamp
 * expression gets `yyyy/MM/dd/HH/` appended, as Firehose does.
 */
export function evaluatePrefix(prefix: string, at: Date, errorOutputType?: string): string {
  const withTime = /!\{timestamp:/.test(prefix) ? prefix : `${prefix}!{timestamp:yyyy/MM/dd/HH}/`;
  return withTime.replace(EXPRESSION, (_match, namespace: string, name: string) => {
    if (namespace === 'timestamp') return formatTimestamp(name, at);
    if (name === 'error-output-type') return errorOutputType ?? 'processing-failed';
    return randomBytes(8).toString('base64url').slice(0, 11);
  });
}

/** The full key of one delivered object. */
export function objectKey(
  stream: { name: string; versionId: string; prefix: string; compression: string },
  at: Date,
): string {
  const name = `${stream.name}-${stream.versionId}-${formatTimestamp('yyyy-MM-dd-HH-mm-ss', at)}-${randomUUID()}`;
  return `${evaluatePrefix(stream.prefix, at)}${name}${stream.compression === 'GZIP' ? '.gz' : ''}`;
}
