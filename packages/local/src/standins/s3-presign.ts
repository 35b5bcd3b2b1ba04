/**
 * What S3 checks on a presigned request (SigV4 in the query string) and fauxqs does not: the signature,
 * over the method, path, query and the signed headers (so a PUT signed for `content-type` and
 * `content-length` takes exactly that type and length), the expiry, and — on the body — any checksum
 * the request carries. Errors are S3's own codes, messages and XML body.
 * https://docs.aws.amazon.com/AmazonS3/latest/API/sigv4-query-string-auth.html
 * https://docs.aws.amazon.com/AmazonS3/latest/API/ErrorResponses.html
 */
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { crc32 } from 'node:zlib';

export interface S3Credentials {
  accessKeyId: string;
  secretAccessKey: string;
}

export interface PresignCheckOptions {
  /** The local cloud's credentials (core's LOCAL_CREDENTIALS). */
  credentials?: S3Credentials;
  now?: () => Date;
}

/** The part of an HTTP request the checks read. Header names lower-case, as node gives them. */
export interface S3Request {
  method: string;
  /** Path and query as sent, still percent-encoded. */
  url: string;
  headers: Record<string, string | string[] | undefined>;
}

export interface S3ErrorAnswer {
  status: number;
  headers: Record<string, string>;
  body: string;
}

const LOCAL: S3Credentials = { accessKeyId: 'test', secretAccessKey: 'test' };
const ALGORITHM = 'AWS4-HMAC-SHA256';
/** "X-Amz-Expires ... minimum value 1, maximum 604800 (seven days)". */
const MAX_EXPIRES_SECONDS = 604_800;

const xmlEscape = (s: string) => s.replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`);

export function s3Error(
  status: number,
  code: string,
  message: string,
  extra: Record<string, string> = {},
): S3ErrorAnswer {
  const requestId = randomBytes(8).toString('hex').toUpperCase();
  const fields = Object.entries({ Code: code, Message: message, ...extra, RequestId: requestId })
    .map(([k, v]) => `<${k}>${xmlEscape(v)}</${k}>`)
    .join('');
  return {
    status,
    headers: { 'content-type': 'application/xml', 'x-amz-request-id': requestId },
    body: `<?xml version="1.0" encoding="UTF-8"?>\n<Error>${fields}</Error>`,
  };
}

/** RFC 3986 percent-encoding as SigV4 wants it: everything but A–Z a–z 0–9 - _ . ~ */
const uriEncode = (s: string) =>
  encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
const decode = (s: string) => {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
};

/** Query parameters as sent: `+` is a plus, not a space (SigV4 clients encode a space as %20). */
function queryParams(query: string): Array<[string, string]> {
  return query
    .split('&')
    .filter((p) => p !== '')
    .map((p) => {
      const eq = p.indexOf('=');
      return eq < 0 ? [decode(p), ''] : [decode(p.slice(0, eq)), decode(p.slice(eq + 1))];
    });
}

const header = (req: S3Request, name: string): string | undefined => {
  const v = req.headers[name];
  return Array.isArray(v) ? v.join(',') : v;
};

const hmac = (key: Buffer | string, data: string) => createHmac('sha256', key).update(data, 'utf8').digest();
const sha256Hex = (data: string) => createHash('sha256').update(data, 'utf8').digest('hex');

/** `20261202T190713Z` as a Date, or undefined. */
function amzDate(s: string): Date | undefined {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(s);
  if (!m) return undefined;
  const [, y, mo, d, h, mi, se] = m.map(Number) as number[];
  return new Date(Date.UTC(y!, mo! - 1, d!, h!, mi!, se!));
}

/** True when the request authenticates in its query string (a presigned URL). */
export const isPresigned = (url: string): boolean => /[?&]X-Amz-Signature=/i.test(url);

/**
 * The error S3 answers to this presigned request's signature or expiry, or undefined when it passes.
 * Call only for presigned requests (`isPresigned`).
 */
export function checkPresignedRequest(
  req: S3Request,
  options: PresignCheckOptions = {},
): S3ErrorAnswer | undefined {
  const credentials = options.credentials ?? LOCAL;
  const now = (options.now ?? (() => new Date()))();
  const q = req.url.indexOf('?');
  const path = q < 0 ? req.url : req.url.slice(0, q);
  const params = queryParams(q < 0 ? '' : req.url.slice(q + 1));
  const get = (name: string) => params.find(([k]) => k === name)?.[1];

  const algorithm = get('X-Amz-Algorithm');
  const credential = get('X-Amz-Credential');
  const date = get('X-Amz-Date');
  const expires = get('X-Amz-Expires');
  const signedHeaders = get('X-Amz-SignedHeaders');
  const signature = get('X-Amz-Signature');
  if (!algorithm || !credential || !date || !expires || !signedHeaders || !signature) {
    return s3Error(
      400,
      'AuthorizationQueryParametersError',
      'Query-string authentication version 4 requires the X-Amz-Algorithm, X-Amz-Credential, X-Amz-Signature, X-Amz-Date, X-Amz-SignedHeaders, and X-Amz-Expires parameters.',
    );
  }
  if (algorithm !== ALGORITHM) {
    return s3Error(400, 'AuthorizationQueryParametersError', `X-Amz-Algorithm only supports "${ALGORITHM}"`);
  }
  const seconds = Number(expires);
  if (!Number.isInteger(seconds) || seconds < 1) {
    return s3Error(400, 'AuthorizationQueryParametersError', 'X-Amz-Expires must be a positive integer.');
  }
  if (seconds > MAX_EXPIRES_SECONDS) {
    return s3Error(
      400,
      'AuthorizationQueryParametersError',
      `X-Amz-Expires must be less than a week (in seconds) that is ${MAX_EXPIRES_SECONDS}`,
    );
  }
  const signedAt = amzDate(date);
  const [accessKeyId, ...scopeParts] = credential.split('/');
  if (!signedAt || scopeParts.length !== 4 || scopeParts[3] !== 'aws4_request') {
    return s3Error(400, 'AuthorizationQueryParametersError', 'Error parsing the X-Amz-Credential parameter.');
  }
  if (accessKeyId !== credentials.accessKeyId) {
    return s3Error(
      403,
      'InvalidAccessKeyId',
      'The AWS Access Key Id you provided does not exist in our records.',
      {
        AWSAccessKeyId: accessKeyId ?? '',
      },
    );
  }
  const expiresAt = new Date(signedAt.getTime() + seconds * 1000);
  if (now > expiresAt) {
    return s3Error(403, 'AccessDenied', 'Request has expired', {
      'X-Amz-Expires': expires,
      Expires: expiresAt.toISOString(),
      ServerTime: now.toISOString(),
    });
  }

  const names = signedHeaders.split(';');
  const canonicalHeaders = names
    .map((name) => `${name}:${(header(req, name) ?? '').trim().replace(/\s+/g, ' ')}\n`)
    .join('');
  const canonicalQuery = params
    .filter(([k]) => k !== 'X-Amz-Signature')
    .map(([k, v]) => [uriEncode(k), uriEncode(v)] as const)
    .sort(([a, av], [b, bv]) => (a < b ? -1 : a > b ? 1 : av < bv ? -1 : av > bv ? 1 : 0))
    .map(([k, v]) => `${k}=${v}`)
    .join('&');
  const canonicalPath = path
    .split('/')
    .map((segment) => uriEncode(decode(segment)))
    .join('/');
  const canonicalRequest = [
    req.method,
    canonicalPath,
    canonicalQuery,
    canonicalHeaders,
    signedHeaders,
    get('X-Amz-Content-Sha256') ?? 'UNSIGNED-PAYLOAD',
  ].join('\n');
  const scope = scopeParts.join('/');
  const stringToSign = [ALGORITHM, date, scope, sha256Hex(canonicalRequest)].join('\n');
  const [day, region, service] = scopeParts as [string, string, string];
  const key = hmac(
    hmac(hmac(hmac(`AWS4${credentials.secretAccessKey}`, day), region), service),
    'aws4_request',
  );
  const expected = hmac(key, stringToSign).toString('hex');
  const given = Buffer.from(signature.toLowerCase());
  const missing = names.filter((name) => header(req, name) === undefined);
  if (
    missing.length > 0 ||
    given.length !== expected.length ||
    !timingSafeEqual(given, Buffer.from(expected))
  ) {
    return s3Error(
      403,
      'SignatureDoesNotMatch',
      'The request signature we calculated does not match the signature you provided. Check your key and signing method.',
      {
        AWSAccessKeyId: accessKeyId,
        StringToSign: stringToSign,
        SignatureProvided: signature,
        CanonicalRequest: canonicalRequest,
      },
    );
  }
  return undefined;
}

/** Checksums a request may carry, in its headers or (presigned, hoisted) in its query. */
const DIGESTS: Array<{ name: string; label: string; of: (body: Buffer) => string }> = [
  { name: 'x-amz-checksum-crc32', label: 'CRC32', of: (b) => crc32Base64(b) },
  { name: 'x-amz-checksum-sha1', label: 'SHA1', of: (b) => createHash('sha1').update(b).digest('base64') },
  {
    name: 'x-amz-checksum-sha256',
    label: 'SHA256',
    of: (b) => createHash('sha256').update(b).digest('base64'),
  },
  { name: 'content-md5', label: 'Content-MD5', of: (b) => createHash('md5').update(b).digest('base64') },
];

function crc32Base64(body: Buffer): string {
  const out = Buffer.alloc(4);
  out.writeUInt32BE(crc32(body) >>> 0);
  return out.toString('base64');
}

/** True when the request names a checksum the body must match, so the body must be read before forwarding. */
export function carriesChecksum(req: S3Request): boolean {
  const query = (req.url.split('?')[1] ?? '').toLowerCase();
  return DIGESTS.some(({ name }) => header(req, name) !== undefined || query.includes(`${name}=`));
}

/**
 * 400 BadDigest when the body does not match a checksum the request carries. A presigned PutObject made
 * by SDK v3 ≥ 3.729 with default settings carries `x-amz-checksum-crc32=AAAAAA==`, the CRC32 of an empty
 * body, so every real upload through it fails here — as it does on S3-compatible storage that checks
 * (https://github.com/aws/aws-sdk-js-v3/issues/6994, https://github.com/seaweedfs/seaweedfs/issues/10216).
 */
export function checkBodyChecksums(req: S3Request, body: Buffer): S3ErrorAnswer | undefined {
  const q = req.url.indexOf('?');
  const params = queryParams(q < 0 ? '' : req.url.slice(q + 1));
  for (const { name, label, of } of DIGESTS) {
    const given = header(req, name) ?? params.find(([k]) => k.toLowerCase() === name)?.[1];
    if (given === undefined) continue;
    if (given !== of(body)) {
      return label === 'Content-MD5'
        ? s3Error(400, 'BadDigest', 'The Content-MD5 you specified did not match what we received.')
        : s3Error(400, 'BadDigest', `The ${label} you specified did not match the calculated checksum.`);
    }
  }
  return undefined;
}
