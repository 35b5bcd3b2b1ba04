/**
 * Local SES: aws-ses-v2-local (mailbox UI, `GET /store`, `POST /clear-store`,
 * `GET /get-emlContent`) behind a small proxy on the contract port. aws-ses-v2-local has no
 * throttling switch and no simulator (docs/toolchain.md), so the proxy adds, for sending requests
 * only: injected faults, the reject domain, and the bounce/complaint events that SES's
 * mailbox simulator addresses imply (`GET /simulator-events`). It keeps configuration sets with
 * Firehose event destinations (ses-configuration-sets.ts) and publishes the events SES would for
 * every mail sent through one (ses-events.ts) to those streams.
 */
import { request, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import sesLocal from 'aws-ses-v2-local';
import { pickFault, type Fault, type Random } from '../faults';
import { silentLogger, type Logger } from '../logger';
import { closeServer, listen, readBody, sendJson, type RunningServer } from './http';
import { sesConfigurationSets } from './ses-configuration-sets';
import { sesEvents } from './ses-events';
import { sesIdentities, type SesIdentitiesOptions } from './ses-identities';
import { SesPublisher } from './ses-publisher';
import { readSesSend, sentMessageIds, sesError, type SesErrorAnswer, type SesSend } from './ses-requests';
import { sesAddressViolation } from './ses-rules';
import { isRejected, REJECT_DOMAIN, simulatorEvents, type SimulatorEvent } from './simulator';

export interface SesStandInOptions {
  port: number;
  host?: string;
  faults?: Record<Fault, number>;
  random?: Random;
  /**
   * A sending rate in recipients per second, over any one-second window; above it SES throttles. SES counts
   * each recipient of a mail (https://docs.aws.amazon.com/ses/latest/dg/manage-sending-quotas.html).
   */
  maxSendRate?: number;
  /** The 24-hour quota in recipients, over any 24 hours (default 50,000, what GetAccount reports). */
  max24HourSend?: number;
  /** Email identities and their verification delay (ses-identities.ts); sends need a verified one. */
  identities?: SesIdentitiesOptions;
  /** Where configuration sets' event destinations are: the Firehose endpoint. Without it, no events. */
  events?: { firehoseEndpoint: string; accountId?: string; retryBaseMs?: number };
  region?: string;
  logger?: Logger;
}

export interface SesStandIn extends RunningServer {
  readonly events: SimulatorEvent[];
  /** Changes the quota while running (undefined: none); GetAccount reports it. */
  setMaxSendRate(rate: number | undefined): void;
  /** Changes the 24-hour quota while running (undefined: none) and forgets what was sent; GetAccount reports it. */
  setMax24HourSend(max: number | undefined): void;
  /**
   * Sends accepted (mails), their recipients, requests throttled because they were over the per-second
   * quota, and requests refused because the 24-hour quota was spent.
   */
  stats(): {
    accepted: number;
    recipients: number;
    throttledOverQuota: number;
    throttledOverDailyQuota: number;
  };
}

// SES v2 accepts messages up to 40 MB (https://docs.aws.amazon.com/ses/latest/dg/quotas.html).
const BODY_LIMIT = 41 * 1024 * 1024;

export async function startSesStandIn(options: SesStandInOptions): Promise<SesStandIn> {
  // aws-ses-v2-local keeps its store in module state, so one per process is all there is.
  const inner = await sesLocal({ host: '127.0.0.1', port: 0 });
  const innerPort = (inner.address() as AddressInfo).port;
  const events: SimulatorEvent[] = [];
  let sent = 0;
  let recipients = 0;
  const faults = options.faults ?? { throttle: 0, '5xx': 0 };
  const random = options.random ?? Math.random;
  const quota = slidingWindow(options.maxSendRate, 1000);
  const daily = slidingWindow(options.max24HourSend ?? 50_000, 24 * 3600 * 1000);
  const identities = sesIdentities(options.identities);
  const configurationSets = sesConfigurationSets();
  const region = options.region ?? 'us-east-1';
  const logger = options.logger ?? silentLogger;
  const publisher =
    options.events &&
    new SesPublisher({
      endpoint: options.events.firehoseEndpoint,
      region,
      logger,
      retryBaseMs: options.events.retryBaseMs,
    });

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const method = req.method ?? 'GET';
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    if (method === 'GET' && path === '/simulator-events') return sendJson(res, 200, { events });
    if (method === 'GET' && path === '/v2/email/account')
      return sendJson(res, 200, account(daily.used(), quota.rate, daily.rate));
    if (method === 'POST' && path === '/clear-store') events.length = 0;

    const body = await readBody(req, BODY_LIMIT);
    const identity = identities.handle(method, path, body) ?? configurationSets.handle(method, path, body);
    if (identity) return answer(res, identity);
    const send = readSesSend(method, path, req.headers['content-type'] ?? '', body);
    if (!send) {
      await forward(req, body, res);
      return;
    }

    const fault = pickFault(faults, random);
    if (fault?.fault === 'throttle') {
      // v2 answers 429 TooManyRequestsException; v1 answers 400 Throttling.
      return answer(
        res,
        send.api === 'v2'
          ? sesError('v2', 429, 'TooManyRequestsException', 'Maximum sending rate exceeded.')
          : sesError('v1', 400, 'Throttling', 'Maximum sending rate exceeded.'),
      );
    }
    if (fault?.fault === '5xx') {
      const code = fault.status === 503 ? 'ServiceUnavailable' : 'InternalFailure';
      return answer(res, sesError(send.api, fault.status, code, 'Fault injected by MAILROOM_FAULTS.'));
    }
    const violation = sesAddressViolation(send.api, body);
    if (violation) return answer(res, sesError(send.api, 400, violation.code, violation.message));
    // Both quotas count recipients (to + cc + bcc of every message of the request), as SES does.
    const units = send.recipients.flat().length;
    if (!daily.fits(units)) {
      daily.rejected += 1;
      return answer(
        res,
        send.api === 'v2'
          ? sesError('v2', 429, 'TooManyRequestsException', 'Daily message quota exceeded.')
          : sesError('v1', 400, 'Throttling', 'Daily message quota exceeded.'),
      );
    }
    if (!quota.admit(units)) {
      return answer(
        res,
        sesError(send.api, 429, 'TooManyRequestsException', 'Maximum sending rate exceeded.'),
      );
    }
    daily.admit(units);
    const unverified = identities.refusal(send.from);
    if (unverified) return answer(res, sesError(send.api, 400, 'MessageRejected', unverified));
    const rejected = send.recipients.flat().filter(isRejected);
    if (rejected.length > 0) {
      const text = `Recipient address rejected: ${rejected.join(', ')} (${REJECT_DOMAIN} accepts no mail).`;
      return answer(res, sesError(send.api, 400, 'MessageRejected', text));
    }

    const result = await forward(req, body, res);
    if (result.status !== 200) return;
    const sentAt = new Date();
    sentMessageIds(send.api, result.body).forEach((id, i) => {
      sent += 1;
      recipients += send.recipients[i]?.length ?? 0;
      if (id) events.push(...simulatorEvents('ses', id, send.recipients[i] ?? []));
      if (id && send.configurationSet) publish(send, send.configurationSet, id, i, sentAt);
    });
  };

  const publish = (send: SesSend, set: string, messageId: string, i: number, sentAt: Date) => {
    if (!configurationSets.exists(set)) {
      // SES itself refuses the send (NotFoundException); locally the mail goes out without events,
      // so services run before the stack that declares the set does.
      logger.warn(`[ses] configuration set ${set} does not exist: no events for ${messageId}`);
      return;
    }
    publisher?.publish(
      configurationSets,
      set,
      sesEvents({
        messageId,
        from: send.from ?? '',
        recipients: send.recipients[i] ?? [],
        subject: send.subject,
        configurationSet: set,
        tags: send.tags?.[i] ?? {},
        sentAt,
        region,
        accountId: options.events?.accountId ?? '000000000000',
      }),
    );
  };

  /** Relays a request to aws-ses-v2-local and its answer back; returns the answer too. */
  const forward = (req: IncomingMessage, body: Buffer, res: ServerResponse) =>
    new Promise<{ status: number; body: string }>((resolve, reject) => {
      const headers = {
        ...req.headers,
        host: `127.0.0.1:${innerPort}`,
        'content-length': String(body.length),
      };
      const upstream = request(
        { host: '127.0.0.1', port: innerPort, method: req.method, path: req.url, headers },
        (answer) => {
          const chunks: Buffer[] = [];
          answer.on('data', (c: Buffer) => chunks.push(c));
          answer.on('end', () => {
            const all = Buffer.concat(chunks);
            res.writeHead(answer.statusCode ?? 502, answer.headers);
            res.end(all);
            resolve({ status: answer.statusCode ?? 502, body: all.toString('utf8') });
          });
          answer.on('error', reject);
        },
      );
      upstream.on('error', reject);
      upstream.end(body);
    });

  const server = await listen(
    (req, res) => {
      handle(req, res).catch((e: unknown) => {
        if (!res.headersSent) answer(res, sesError('v2', 500, 'InternalFailure', String(e)));
      });
    },
    options.port,
    options.host ?? '127.0.0.1',
  );
  return {
    port: server.port,
    events,
    setMaxSendRate: (rate) => quota.set(rate),
    setMax24HourSend: (max) => daily.set(max),
    stats: () => ({
      accepted: sent,
      recipients,
      throttledOverQuota: quota.rejected,
      throttledOverDailyQuota: daily.rejected,
    }),
    close: async () => {
      await server.close();
      await closeServer(inner);
      await publisher?.close();
    },
  };
}

/**
 * GetAccount as a production account that has not asked for higher quotas sees it. Services
 * read MaxSendRate from it to share the send budget (docs/architecture.md "Rate");
 * aws-ses-v2-local answers it only when AWS_SES_ACCOUNT is set in its process' env.
 * https://docs.aws.amazon.com/ses/latest/APIReference-V2/API_GetAccount.html
 */
function account(sentLast24Hours: number, maxSendRate = 14, max24HourSend = 50_000) {
  return {
    DedicatedIpAutoWarmupEnabled: false,
    EnforcementStatus: 'HEALTHY',
    ProductionAccessEnabled: true,
    SendingEnabled: true,
    SendQuota: { Max24HourSend: max24HourSend, MaxSendRate: maxSendRate, SentLast24Hours: sentLast24Hours },
    SuppressionAttributes: { SuppressedReasons: ['BOUNCE', 'COMPLAINT'] },
  };
}

function answer(res: ServerResponse, error: SesErrorAnswer): void {
  res.writeHead(error.status, { ...error.headers, 'content-length': Buffer.byteLength(error.body) });
  res.end(error.body);
}

/**
 * At most `rate` recipients in any window of `windowMs` (a sliding log of admissions with their recipient
 * counts), the strictest reading of a quota: a sender that bursts at a second's boundary is throttled
 * here even where a fixed-window counter would let it through. A request heavier than the whole rate is
 * let through only into an empty window (SES takes a 50-recipient mail at a rate of 14/s), which it then
 * fills. The send budget (services/outbound/src/rate/budget.ts) spaces sends so that they pass this.
 */
function slidingWindow(initial: number | undefined, windowMs: number) {
  let rate = initial;
  let admitted: Array<{ at: number; units: number }> = [];
  const inWindow = (now: number) => {
    admitted = admitted.filter((a) => now - a.at < windowMs);
    return admitted.reduce((sum, a) => sum + a.units, 0);
  };
  const window = {
    rejected: 0,
    get rate() {
      return rate;
    },
    set(next: number | undefined) {
      rate = next;
      admitted = [];
    },
    used: (now = Date.now()) => inWindow(now),
    fits(units: number, now = Date.now()): boolean {
      if (rate === undefined) return true;
      const used = inWindow(now);
      return used + units <= rate || used === 0;
    },
    admit(units = 1, now = Date.now()): boolean {
      if (!window.fits(units, now)) {
        window.rejected += 1;
        return false;
      }
      admitted.push({ at: now, units });
      return true;
    },
  };
  return window;
}
