import { z } from 'zod';
import { DomainNameSchema, normalizeDomain } from './domain';
import { EmailSchema } from './address';

/**
 * An inbound route's address pattern: one exact address (`support@in.acme.example`) or every address of
 * one domain (`*@in.acme.example`). Lower-cased; nothing else is a wildcard.
 */
export const RoutePatternSchema = z
  .string()
  .trim()
  .min(3)
  .max(320)
  .transform((s) => s.toLowerCase())
  .superRefine((pattern, ctx) => {
    const ok = pattern.startsWith('*@')
      ? DomainNameSchema.safeParse(pattern.slice(2)).success
      : EmailSchema.safeParse(pattern).success;
    if (!ok) ctx.addIssue({ code: 'custom', message: 'expected an address or *@domain' });
  });

/** The verdicts SES gives a received mail, by the names routes use to reject on them. */
export const VERDICTS = ['spam', 'virus', 'spf', 'dkim', 'dmarc'] as const;
export const VerdictNameSchema = z.enum(VERDICTS);
export type VerdictName = z.infer<typeof VerdictNameSchema>;

/** Where a route's mail goes once parsed: kept in Mailroom only, POSTed to a webhook, or sent to a queue. */
export const RouteDestinationSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('store') }),
  z.object({
    type: z.literal('webhook'),
    url: z.string().url().max(2048),
    /** Parameter Store name of the signing secret (SecureString); never the secret itself. */
    secretParameter: z.string().min(1).max(2048),
  }),
  z.object({ type: z.literal('queue'), queueUrl: z.string().url().max(2048) }),
]);
export type RouteDestination = z.infer<typeof RouteDestinationSchema>;

/** The two patterns an envelope recipient can match, most specific first. */
export const routePatternsFor = (address: string): string[] => {
  const lower = address.trim().toLowerCase();
  const at = lower.lastIndexOf('@');
  if (at <= 0 || at === lower.length - 1) return [];
  const domain = lower.slice(at + 1);
  return [lower, `*@${normalizeDomain(domain) ?? domain}`];
};
