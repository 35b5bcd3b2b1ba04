import { BlockList, isIPv4, isIPv6 } from 'node:net';

/** `::ffff:203.0.113.7` is the IPv4 address it maps; API Gateway may report either spelling. */
const unmapped = (ip: string): string => {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip);
  return mapped ? mapped[1]! : ip;
};

/**
 * Whether `ip` falls in one of the CIDR blocks (v4 or v6, as CidrSchema stores them). No address, or one
 * that is not an IP, is outside every list: a key with an allowlist fails closed.
 */
export function ipAllowed(ip: string | undefined, blocks: readonly string[]): boolean {
  if (!ip) return false;
  const address = unmapped(ip.trim());
  const family = isIPv4(address) ? 'ipv4' : isIPv6(address) ? 'ipv6' : undefined;
  if (!family) return false;
  const list = new BlockList();
  for (const block of blocks) {
    const [net, bits] = block.split('/');
    const type = isIPv4(net ?? '') ? 'ipv4' : isIPv6(net ?? '') ? 'ipv6' : undefined;
    if (!net || !type) continue;
    list.addSubnet(net, Number(bits ?? (type === 'ipv4' ? 32 : 128)), type);
  }
  return list.check(address, family);
}
