/**
 * A proxy in front of fauxqs (SQS, SNS and S3 on one port) that checks presigned S3 requests as S3 does
 * (s3-presign.ts) before passing them on. Every other request — the SDK's header-signed calls, SQS, SNS,
 * fauxqs' own `/_fauxqs` paths — is streamed through untouched. fauxqs has no hook for this: it checks
 * no signature at all. With `notifications`, it also serves bucket notification configurations and
 * sends the event messages S3 would once a write succeeds (s3-notifications.ts), whoever wrote.
 */
import { request, type IncomingMessage, type ServerResponse } from 'node:http';
import { listen, readBody, type RunningServer } from './http';
import {
  carriesChecksum,
  checkBodyChecksums,
  checkPresignedRequest,
  isPresigned,
  s3Error,
  type PresignCheckOptions,
  type S3ErrorAnswer,
} from './s3-presign';
import { eventNameOf, s3Target, type BucketNotifications, type S3Answer } from './s3-notifications';

export interface S3PresignProxyOptions extends PresignCheckOptions {
  /** The port clients use (`MAILROOM_AWS_PORT`); 0 for any free one. */
  port: number;
  host?: string;
  /** Where fauxqs listens. */
  upstream: { host: string; port: number };
  /** Bucket notifications to serve and send; none without it. */
  notifications?: BucketNotifications;
}

// S3 takes up to 5 GB in one PUT; the local cloud's uploads are attachments (limits.ts: ≤ 29 MB).
const CHECKED_BODY_LIMIT = 64 * 1024 * 1024;

function answer(res: ServerResponse, error: S3ErrorAnswer | S3Answer): void {
  res.writeHead(error.status, { ...error.headers, 'content-length': Buffer.byteLength(error.body) });
  res.end(error.body);
}

/** The request handler, for composing into another server; `startS3PresignProxy` listens with it. */
export function presignCheckingHandler(options: Omit<S3PresignProxyOptions, 'port' | 'host'>) {
  const { notifications } = options;
  const forward = (req: IncomingMessage, res: ServerResponse, body?: Buffer) => {
    const target = notifications && s3Target(req.url ?? '/', req.headers);
    const eventName = target && eventNameOf(req.method ?? 'GET', target, req.headers);
    const upstream = request(
      { ...options.upstream, method: req.method, path: req.url, headers: req.headers },
      (reply) => {
        res.writeHead(reply.statusCode ?? 502, reply.headers);
        reply.pipe(res);
        const status = reply.statusCode ?? 502;
        if (eventName && target?.key !== undefined && status >= 200 && status < 300) {
          reply.once('end', () =>
            notifications?.written(
              eventName,
              { ...target, key: target.key! },
              {
                requestId: String(reply.headers['x-amz-request-id'] ?? '') || undefined,
                sourceIp: req.socket.remoteAddress?.replace(/^::ffff:/, ''),
              },
            ),
          );
        }
      },
    );
    upstream.on('error', (e) => {
      if (!res.headersSent) answer(res, s3Error(502, 'InternalError', `fauxqs did not answer: ${e.message}`));
      else res.destroy(e);
    });
    if (body === undefined) req.pipe(upstream);
    else upstream.end(body);
  };

  const configure = (req: IncomingMessage, res: ServerResponse): boolean => {
    const target = notifications && s3Target(req.url ?? '/', req.headers);
    if (!notifications || !target || target.key !== undefined || !target.query.has('notification'))
      return false;
    if (req.method !== 'PUT' && req.method !== 'GET') return false;
    notifications
      .configure(req.method, target, () => readBody(req, 1024 * 1024))
      .then(
        (reply) => answer(res, reply ?? s3Error(405, 'MethodNotAllowed', 'The method is not allowed.')),
        (e: unknown) => answer(res, s3Error(500, 'InternalError', String(e))),
      );
    return true;
  };

  return (req: IncomingMessage, res: ServerResponse): void => {
    if (configure(req, res)) return;
    const s3Request = { method: req.method ?? 'GET', url: req.url ?? '/', headers: req.headers };
    if (!isPresigned(s3Request.url)) return forward(req, res);
    const refused = checkPresignedRequest(s3Request, options);
    if (refused) {
      req.resume(); // drain the upload so the client reads the answer
      return answer(res, refused);
    }
    if (req.method === 'PUT' && req.headers['content-length'] === undefined) {
      req.resume();
      return answer(
        res,
        s3Error(411, 'MissingContentLength', 'You must provide the Content-Length HTTP header.'),
      );
    }
    if (!carriesChecksum(s3Request)) return forward(req, res);
    readBody(req, CHECKED_BODY_LIMIT).then(
      (body) => {
        const bad = checkBodyChecksums(s3Request, body);
        if (bad) answer(res, bad);
        else forward(req, res, body);
      },
      () =>
        answer(res, s3Error(400, 'EntityTooLarge', 'Your proposed upload exceeds the maximum allowed size')),
    );
  };
}

/** Listens on `port` and relays to `upstream`, checking presigned requests on the way. */
export async function startS3PresignProxy(options: S3PresignProxyOptions): Promise<RunningServer> {
  return listen(presignCheckingHandler(options), options.port, options.host ?? '127.0.0.1');
}
