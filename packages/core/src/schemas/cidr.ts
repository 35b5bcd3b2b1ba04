import { z } from 'zod';

const v4 = z.cidrv4();
const v6 = z.cidrv6();
const ip4 = z.ipv4();
const ip6 = z.ipv6();

/**
 * One entry of an API key's IP allowlist: a CIDR block, v4 (`203.0.113.0/24`) or v6 (`2001:db8::/32`).
 * A bare address is taken as the block of that one address (`/32`, `/128`).
 */
export const CidrSchema = z
  .string()
  .trim()
  .transform((s, ctx) => {
    if (v4.safeParse(s).success || v6.safeParse(s).success) return s.toLowerCase();
    if (ip4.safeParse(s).success) return `${s}/32`;
    if (ip6.safeParse(s).success) return `${s.toLowerCase()}/128`;
    ctx.addIssue({ code: 'custom', message: `${JSON.stringify(s)} is not an IPv4 or IPv6 CIDR block` });
    return z.NEVER;
  });

/** An API key's allowlist: requests from elsewhere are refused. At most 100 blocks. */
export const AllowIpsSchema = z.array(CidrSchema).min(1).max(100);
