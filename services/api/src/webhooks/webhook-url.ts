import { z } from 'zod';

/** Long enough for any real receiver, short enough to keep items and logs small. */
export const MAX_WEBHOOK_URL_LENGTH = 2048;

const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);
const isLoopback = (hostname: string) => LOOPBACK_HOSTS.has(hostname) || hostname.endsWith('.localhost');

/**
 * A receiver URL: https, no credentials in it (a secret in a URL ends up in logs and listings), no
 * fragment, at most MAX_WEBHOOK_URL_LENGTH characters. `allowLocalHttp` (the local cloud only) also takes
 * plain http to loopback hosts, so a receiver on the developer's machine works.
 */
export const webhookUrlSchema = ({ allowLocalHttp }: { allowLocalHttp: boolean }) =>
  z
    .string()
    .max(MAX_WEBHOOK_URL_LENGTH)
    .superRefine((value, ctx) => {
      let url: URL;
      try {
        url = new URL(value);
      } catch {
        ctx.addIssue({ code: 'custom', message: 'must be an absolute URL' });
        return;
      }
      const localHttp = allowLocalHttp && url.protocol === 'http:' && isLoopback(url.hostname);
      if (url.protocol !== 'https:' && !localHttp) {
        ctx.addIssue({
          code: 'custom',
          message: allowLocalHttp ? 'must be https (or http to localhost)' : 'must be https',
        });
      }
      if (url.username || url.password) {
        ctx.addIssue({ code: 'custom', message: 'must not carry credentials; verify the signature instead' });
      }
      if (url.hash) ctx.addIssue({ code: 'custom', message: 'must not have a fragment' });
    });
