/**
 * A small stand-in for SendGrid's `POST /v3/mail/send` (no emulator exists, docs/toolchain.md).
 * It answers as SendGrid does — 202 with an X-Message-Id, 400/401/429/5xx with SendGrid's
 * `{"errors": [...]}` body — and keeps what it accepted at `GET /store`.
 * https://www.twilio.com/docs/sendgrid/api-reference/mail-send/mail-send
 * It also creates and revokes API keys (`POST /v3/api_keys`, `DELETE /v3/api_keys/{id}`), so a tenant
 * can have a key of its own locally, and a revoked key gets SendGrid's 401.
 * https://www.twilio.com/docs/sendgrid/api-reference/api-keys/create-api-keys
 * With `webhook`, it reports what happened to each accepted mail as SendGrid's Signed Event Webhook
 * does (sendgrid-events.ts, sendgrid-webhook.ts).
 */
import { createHash, randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { pickFault, type Fault, type Random } from '../faults';
import { BodyTooLargeError, listen, readBody, sendJson, type RunningServer } from './http';
import { sendGridEvents } from './sendgrid-events';
import { mailRuleProblems } from './sendgrid-rules';
import { EventWebhook, type EventWebhookOptions } from './sendgrid-webhook';
import { isRejected, REJECT_DOMAIN, simulatorEvents, type SimulatorEvent } from './simulator';

interface SendGridError {
  message: string;
  field: string | null;
  help: string | null;
}

export interface AcceptedSendGridMail {
  messageId: string;
  /** Epoch seconds, as aws-ses-v2-local's store keeps it. */
  at: number;
  /** The first 16 hex digits of the SHA-256 of the API key it came with (which account sent it). */
  apiKeySha256: string;
  body: unknown;
}

export interface SendGridStandInOptions {
  port: number;
  host?: string;
  /** Which bearer tokens are valid API keys; without it any token is. */
  knownKey?: (key: string) => boolean;
  faults?: Record<Fault, number>;
  random?: Random;
  /** Where the Event Webhook posts, signed with which keys; no events without it. */
  webhook?: EventWebhookOptions;
}

export interface SendGridStandIn extends RunningServer {
  readonly emails: AcceptedSendGridMail[];
  readonly events: SimulatorEvent[];
  readonly webhook?: EventWebhook;
}

// "The total size of your email, including attachments, must be less than 30MB"
// (https://www.twilio.com/docs/sendgrid/api-reference/mail-send#limitations); read as decimal megabytes,
// the stricter reading.
const BODY_LIMIT = 30_000_000;
const HELP = 'https://www.twilio.com/docs/sendgrid/api-reference/mail-send/errors';
const error = (message: string, field: string | null = null, help: string | null = null): SendGridError => ({
  message,
  field,
  help,
});

export async function startSendGridStandIn(options: SendGridStandInOptions): Promise<SendGridStandIn> {
  const emails: AcceptedSendGridMail[] = [];
  const events: SimulatorEvent[] = [];
  const faults = options.faults ?? { throttle: 0, '5xx': 0 };
  const random = options.random ?? Math.random;
  /** Keys created through `POST /v3/api_keys`, by id. */
  const issued = new Map<string, string>();
  const webhook = options.webhook && new EventWebhook(options.webhook);

  const createKey = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    let body: unknown;
    try {
      body = JSON.parse((await readBody(req, 64 * 1024)).toString('utf8'));
    } catch {
      return sendJson(res, 400, { errors: [error('Bad Request', null, HELP)] });
    }
    const name = isObject(body) ? body.name : undefined;
    if (typeof name !== 'string' || name.length === 0 || name.length > 100) {
      return sendJson(res, 400, { errors: [error('missing required argument', 'name')] });
    }
    // SendGrid keys: "SG." + a 22-character key id + "." + a 43-character secret.
    const id = randomBytes(16).toString('base64url').slice(0, 22);
    const key = `SG.${id}.${randomBytes(32).toString('base64url').slice(0, 43)}`;
    issued.set(id, key);
    return sendJson(res, 201, { api_key: key, api_key_id: id, name, scopes: ['mail.send'] });
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const path = (req.url ?? '/').split('?')[0];
    if (req.method === 'GET' && path === '/health') return sendJson(res, 200, { ok: true });
    if (req.method === 'GET' && path === '/store') return sendJson(res, 200, { emails });
    if (req.method === 'GET' && path === '/simulator-events') return sendJson(res, 200, { events });
    if (req.method === 'POST' && path === '/clear-store') {
      emails.length = 0;
      events.length = 0;
      return sendJson(res, 200, { message: 'Store cleared' });
    }
    const keyPath = /^\/v3\/api_keys\/([\w-]+)$/.exec(path ?? '');
    const known =
      (req.method === 'POST' && (path === '/v3/mail/send' || path === '/v3/api_keys')) ||
      (req.method === 'DELETE' && keyPath);
    if (!known) {
      return sendJson(res, 404, { errors: [error(`${req.method} ${path} is not part of this stand-in`)] });
    }

    const token = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '')?.[1];
    const valid = (key: string) =>
      options.knownKey === undefined || options.knownKey(key) || [...issued.values()].includes(key);
    if (!token || !valid(token)) {
      return sendJson(res, 401, {
        errors: [error('The provided authorization grant is invalid, expired, or revoked')],
      });
    }
    if (path === '/v3/api_keys') return createKey(req, res);
    if (keyPath) {
      if (!issued.delete(keyPath[1]!))
        return sendJson(res, 404, { errors: [error('unable to find API Key')] });
      res.writeHead(204).end();
      return;
    }

    const fault = pickFault(faults, random);
    if (fault?.fault === 'throttle') {
      // https://www.twilio.com/docs/sendgrid/api-reference/how-to-use-the-sendgrid-v3-api/rate-limits
      const reset = String(Math.ceil(Date.now() / 1000) + 1);
      return sendJson(
        res,
        429,
        { errors: [error('too many requests')] },
        {
          'x-ratelimit-limit': '600',
          'x-ratelimit-remaining': '0',
          'x-ratelimit-reset': reset,
        },
      );
    }
    if (fault?.fault === '5xx') {
      return sendJson(res, fault.status, {
        errors: [error('internal error (fault injected by MAILROOM_FAULTS)')],
      });
    }

    let body: unknown;
    try {
      body = JSON.parse((await readBody(req, BODY_LIMIT)).toString('utf8'));
    } catch (e) {
      if (e instanceof BodyTooLargeError) return sendJson(res, 413, { errors: [error('Payload Too Large')] });
      return sendJson(res, 400, { errors: [error('Bad Request', null, HELP)] });
    }
    const problems = [...validateMail(body), ...mailRuleProblems(body)];
    if (problems.length > 0) return sendJson(res, 400, { errors: problems });

    const recipients = recipientsOf(body as MailBody);
    const rejected = recipients.filter((r) => isRejected(r.email));
    if (rejected.length > 0) {
      return sendJson(res, 400, {
        errors: rejected.map((r) =>
          error(`The recipient ${r.email} was rejected: ${REJECT_DOMAIN} accepts no mail.`, r.field),
        ),
      });
    }

    // SendGrid's ids are 22 characters of URL-safe base64.
    const messageId = randomBytes(16).toString('base64url');
    const apiKeySha256 = createHash('sha256').update(token).digest('hex').slice(0, 16);
    emails.push({ messageId, at: Math.floor(Date.now() / 1000), apiKeySha256, body });
    events.push(
      ...simulatorEvents(
        'sendgrid',
        messageId,
        recipients.map((r) => r.email),
      ),
    );
    res.writeHead(202, { 'x-message-id': messageId, 'content-length': 0 });
    res.end();
    webhook?.emit(sendGridEvents(body, messageId));
  };

  const server = await listen(
    (req, res) => {
      handle(req, res).catch((e: unknown) => sendJson(res, 500, { errors: [error(String(e))] }));
    },
    options.port,
    options.host ?? '127.0.0.1',
  );
  return {
    port: server.port,
    emails,
    events,
    webhook,
    close: async () => {
      await server.close();
      await webhook?.close();
    },
  };
}

interface MailBody {
  personalizations: Array<
    Record<'to' | 'cc' | 'bcc', Array<{ email: string }> | undefined> & { subject?: unknown }
  >;
  from: { email: string };
  subject?: unknown;
  content?: unknown;
  template_id?: unknown;
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);
const isEmail = (v: unknown): boolean => typeof v === 'string' && /^[^\s@<>]+@[^\s@<>]+\.[^\s@<>]+$/.test(v);

/** The minimal shape SendGrid insists on, with its own messages and field paths. */
export function validateMail(body: unknown): SendGridError[] {
  if (!isObject(body)) return [error('Bad Request', null, HELP)];
  const problems: SendGridError[] = [];
  const { personalizations, from, subject, content, template_id: templateId } = body;
  if (!Array.isArray(personalizations) || personalizations.length === 0) {
    problems.push(
      error(
        'The personalizations field is required and must have at least one personalization.',
        'personalizations',
        `${HELP}#message.personalizations`,
      ),
    );
  } else {
    personalizations.forEach((p: unknown, i) => {
      const to = isObject(p) ? p.to : undefined;
      if (!Array.isArray(to) || to.length === 0) {
        problems.push(
          error(
            'The to array is required for all personalization objects, and must have at least one email object with a valid email address.',
            `personalizations.${i}.to`,
          ),
        );
      }
      for (const kind of ['to', 'cc', 'bcc'] as const) {
        const list = isObject(p) ? p[kind] : undefined;
        if (!Array.isArray(list)) continue;
        list.forEach((r: unknown, j) => {
          if (!isObject(r) || !isEmail(r.email)) {
            problems.push(
              error('Does not contain a valid address.', `personalizations.${i}.${kind}.${j}.email`),
            );
          }
        });
      }
    });
  }
  if (!isObject(from) || !isEmail(from.email)) {
    problems.push(
      error(
        'The from object must be provided for every email send. It is an object that requires an email parameter, but may also contain a name parameter.',
        'from',
        `${HELP}#message.from`,
      ),
    );
  }
  const everySubject =
    Array.isArray(personalizations) &&
    personalizations.length > 0 &&
    personalizations.every((p: unknown) => isObject(p) && typeof p.subject === 'string');
  if (templateId === undefined && !everySubject && (typeof subject !== 'string' || subject === '')) {
    problems.push(
      error(
        'The subject is required. You can get around this requirement if you use a template with a subject defined or if every personalization has a subject defined.',
        'subject',
        `${HELP}#message.subject`,
      ),
    );
  }
  const validContent =
    Array.isArray(content) &&
    content.length > 0 &&
    content.every(
      (c: unknown) =>
        isObject(c) && typeof c.type === 'string' && typeof c.value === 'string' && c.value !== '',
    );
  if (templateId === undefined && !validContent) {
    problems.push(
      error(
        'Unless a valid template_id is provided, the content parameter is required. There must be at least one defined content block. We typically suggest both text/plain and text/html blocks are included, but only one block is required.',
        'content',
        `${HELP}#message.content`,
      ),
    );
  }
  return problems;
}

function recipientsOf(body: MailBody): Array<{ email: string; field: string }> {
  return body.personalizations.flatMap((p, i) =>
    (['to', 'cc', 'bcc'] as const).flatMap((kind) =>
      (p[kind] ?? []).map((r, j) => ({ email: r.email, field: `personalizations.${i}.${kind}.${j}.email` })),
    ),
  );
}
