import { z } from 'zod';
import { ConfigError, type ErrorDetail } from './errors';

/**
 * Environment parsing, once per cold start (docs/conventions.md, "Config fails fast"). An empty variable counts as
 * unset: `FOO=` in a shell or `${env:FOO, ''}` in serverless.yml must not pass for a value.
 */
export const parseEnv = <S extends z.ZodObject>(
  schema: S,
  env: Record<string, string | undefined> = process.env,
): z.output<S> => {
  const input: Record<string, string> = {};
  for (const [name, value] of Object.entries(env)) {
    if (value !== undefined && value !== '') input[name] = value;
  }
  const result = schema.safeParse(input);
  if (result.success) return result.data;

  const details: ErrorDetail[] = result.error.issues.map((issue) => {
    const name = issue.path.map(String).join('.');
    const missing = issue.path.length === 1 && input[name] === undefined;
    return { path: name, message: missing ? `${name} is required` : `${name} is invalid: ${issue.message}` };
  });
  throw new ConfigError(`Invalid configuration: ${details.map((d) => d.message).join('; ')}`, { details });
};

/** http(s) only: `new URL('localhost:8005')` parses (scheme "localhost:"), which is never what was meant. */
const endpoint = (description: string) =>
  z
    .url({ protocol: /^https?$/, error: 'must be an http(s) URL' })
    .optional()
    .meta({ description });

/**
 * The AWS part every function's config shares (design-notes.md "Environment"). Endpoints are set only
 * in the local cloud; on AWS the SDK finds the regional endpoint itself.
 */
export const AwsEnvSchema = z.object({
  AWS_REGION: z.string().min(1).default('us-east-1'),
  MAILROOM_AWS_ENDPOINT: endpoint('SQS/SNS/S3 endpoint (local cloud only)'),
  MAILROOM_DYNAMODB_ENDPOINT: endpoint('DynamoDB endpoint (local cloud only)'),
  MAILROOM_SES_ENDPOINT: endpoint('SES endpoint (local cloud only)'),
});
export type AwsEnv = z.output<typeof AwsEnvSchema>;

export interface AwsTarget {
  region: string;
  endpoint?: string;
}

/** Per-service client settings from AwsEnv. No fallback between endpoints: each emulator has its own port. */
export const awsTargets = (env: AwsEnv): { default: AwsTarget; dynamodb: AwsTarget; ses: AwsTarget } => {
  const target = (endpoint: string | undefined): AwsTarget =>
    endpoint === undefined ? { region: env.AWS_REGION } : { region: env.AWS_REGION, endpoint };
  return {
    default: target(env.MAILROOM_AWS_ENDPOINT),
    dynamodb: target(env.MAILROOM_DYNAMODB_ENDPOINT),
    ses: target(env.MAILROOM_SES_ENDPOINT),
  };
};

/** Cursor keys shorter than this are refused: an HMAC key should carry at least 256 bits of secret. */
export const MIN_CURSOR_KEY_LENGTH = 32;

const parameterName = z
  .string()
  .regex(/^\/[\w.\-/]*[^/]$/, { error: 'must start with / and not end with /' });

/**
 * Where the list cursor key comes from (docs/api-lists.md): deployed, a SecureString parameter's name;
 * locally, the key itself. Spread into a service's env schema and check it with `cursorKeyIssues`.
 */
export const CursorEnvSchema = z.object({
  /** The SecureString holding the key: `/mailroom/<stage>/cursor-key` (serverless.yml). */
  MAILROOM_CURSOR_KEY_PARAMETER: parameterName.optional(),
  /** Local cloud only: the key itself (the local cloud hands services a fixed dev key). */
  MAILROOM_CURSOR_KEY: z
    .string()
    .min(MIN_CURSOR_KEY_LENGTH, { error: `must be at least ${MIN_CURSOR_KEY_LENGTH} characters` })
    .optional(),
});

/**
 * For a `superRefine`: a deployed stage (any `MAILROOM_STAGE` but `local`) takes the key from Parameter
 * Store only, never from the environment, where it would sit in the Lambda configuration.
 */
export const cursorKeyIssues = (
  env: { MAILROOM_STAGE: string; MAILROOM_CURSOR_KEY?: string | undefined },
  ctx: z.RefinementCtx,
): void => {
  if (env.MAILROOM_STAGE !== 'local' && env.MAILROOM_CURSOR_KEY !== undefined) {
    ctx.addIssue({
      code: 'custom',
      path: ['MAILROOM_CURSOR_KEY'],
      message: 'is for the local cloud only; deployed, the key is read from MAILROOM_CURSOR_KEY_PARAMETER',
    });
  }
};

/**
 * How long each container reuses an API key's answer (docs/api-keys.md): the longest a revoked key
 * keeps working on a warm container, and what spares most requests the key's GetItem. Spread into the
 * env schema of every service whose HTTP routes take API keys.
 */
export const KeyCacheEnvSchema = z.object({
  MAILROOM_KEY_CACHE_SECONDS: z.coerce.number().int().min(1).max(60).default(5),
});
