import { parseEnv } from '@mailroom/core';
import { z } from 'zod';

/** The console function's environment: only where the outbound service answers (sending domains). */
export const ConsoleEnvSchema = z.object({
  /** Compose param `outboundUrl` (outbound's HttpApiUrl); offline, outbound's local port. */
  MAILROOM_OUTBOUND_URL: z.url(),
});

let cached: z.infer<typeof ConsoleEnvSchema> | undefined;
export const consoleConfig = () => (cached ??= parseEnv(ConsoleEnvSchema));
