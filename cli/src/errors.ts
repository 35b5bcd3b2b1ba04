import { MailroomError } from '@mailroom/core';

/** A command line the CLI cannot run: unknown command, bad flag, missing argument (exit code 2). */
export class UsageError extends Error {
  override readonly name = 'UsageError';
  constructor(
    message: string,
    /** The command whose `--help` the message points at, e.g. `tenant update`. */
    readonly command?: string,
  ) {
    super(message);
  }
}

/** Exit codes: 0 done, 1 the work failed (not found, refused, AWS error), 2 the command line is wrong. */
export const EXIT = { ok: 0, failed: 1, usage: 2 } as const;

interface Described {
  code: string;
  message: string;
}

/**
 * What to tell the operator about an error: Mailroom's typed errors by their code and message, AWS SDK
 * errors by their name (`AccessDeniedException`, `ParameterNotFound`…), and an unreachable local cloud as
 * such, since that is the usual cause when nothing answers.
 */
export function describeError(err: unknown, hint: { local?: boolean } = {}): Described {
  if (err instanceof UsageError) return { code: 'CLI.USAGE', message: err.message };
  if (err instanceof MailroomError) {
    const details = (err.details ?? []).map((d) => (d.path ? `${d.path}: ${d.message}` : d.message));
    return { code: err.code, message: [err.message, ...details].join('\n  ') };
  }
  const e = err as Error & { code?: string; $metadata?: unknown; errors?: unknown[] };
  const network = networkCode(e);
  if (network) {
    return {
      code: 'CLI.UNREACHABLE',
      message: hint.local
        ? `the local cloud does not answer (${network}): is pnpm dev running?`
        : `AWS did not answer (${network})`,
    };
  }
  if (e && typeof e === 'object' && '$metadata' in e) {
    return { code: `AWS.${e.name}`, message: `AWS refused it: ${e.name}: ${e.message}` };
  }
  return { code: 'CLI.FAILED', message: e instanceof Error ? e.message : String(err) };
}

const NETWORK =
  /\b(?:connect |getaddrinfo |read )?(?:ECONNREFUSED|ENOTFOUND|ECONNRESET|EAI_AGAIN)\b(?: [\w.:[\]-]+)?/;

/**
 * A connection failure (`connect ECONNREFUSED 127.0.0.1:8000`, or its bare code), wherever the SDK put it: on the error, its `cause`, an AggregateError's
 * `errors` (Node tries IPv6 and IPv4), or only in the message of the SDK's wrapper for non-Error throws.
 */
function networkCode(e: (Error & { code?: string; errors?: unknown[] }) | undefined): string | undefined {
  for (let current: unknown = e, depth = 0; current && depth < 4; depth++) {
    const c = current as { code?: unknown; errors?: unknown[]; message?: unknown; cause?: unknown };
    const inMessage = typeof c.message === 'string' ? NETWORK.exec(c.message)?.[0] : undefined;
    if (inMessage) return inMessage;
    const code = [c.code, (c.errors?.[0] as { code?: unknown } | undefined)?.code].find(
      (x): x is string => typeof x === 'string' && NETWORK.test(x),
    );
    if (code) return code;
    current = c.cause;
  }
  return undefined;
}
