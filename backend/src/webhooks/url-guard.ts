import { lookup as dnsLookup } from 'node:dns/promises';
import { BlockList, isIP } from 'node:net';
import { AppError } from '@pairpad/protocol';

/**
 * Where a webhook may not go unless an admin allowed it (SSRF): loopback, private, link-local
 * (cloud metadata at 169.254.169.254 and fd00:ec2::254), CGNAT, unique-local, multicast,
 * documentation and reserved ranges, and the IPv4 ones embedded in IPv6 (mapped, NAT64).
 */
const BLOCKED = new BlockList();
for (const [network, prefix] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.0.2.0', 24],
  ['192.88.99.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['198.51.100.0', 24],
  ['203.0.113.0', 24],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
] as const) {
  BLOCKED.addSubnet(network, prefix, 'ipv4');
}
for (const [network, prefix] of [
  ['::', 128],
  ['::1', 128],
  ['100::', 64],
  ['2001:db8::', 32],
  ['fc00::', 7],
  ['fe80::', 10],
  ['fec0::', 10],
  ['ff00::', 8],
] as const) {
  BLOCKED.addSubnet(network, prefix, 'ipv6');
}

/** The IPv4 address inside an IPv4-mapped (`::ffff:a.b.c.d`) or NAT64 (`64:ff9b::/96`) IPv6 one. */
function embeddedIpv4(address: string): string | null {
  const lower = address.toLowerCase();
  const match = /^(?:::ffff:|64:ff9b::)(?:0:)?(.+)$/.exec(lower);
  if (!match?.[1]) return null;
  const tail = match[1];
  if (isIP(tail) === 4) return tail;
  const hex = /^([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(tail);
  if (!hex?.[1] || !hex[2]) return null;
  const high = parseInt(hex[1], 16);
  const low = parseInt(hex[2], 16);
  return [high >> 8, high & 255, low >> 8, low & 255].join('.');
}

/** True for an address a webhook must not reach by default (see BLOCKED). */
export function isPrivateAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 4) return BLOCKED.check(address, 'ipv4');
  if (family !== 6) return true;
  const inner = embeddedIpv4(address);
  if (inner) return BLOCKED.check(inner, 'ipv4');
  return BLOCKED.check(address, 'ipv6');
}

/** Parses an endpoint URL: http(s), a host, no user:password (it would be sent to every redirect-free receiver in clear). */
export function parseWebhookUrl(raw: string): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new AppError('WEBHOOK_URL_INVALID', 'The webhook URL is not a valid URL.', { url: 'not a URL' });
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new AppError('WEBHOOK_URL_INVALID', 'A webhook URL must start with https:// (or http://).', { url: 'http or https only' });
  }
  if (url.username || url.password) {
    throw new AppError('WEBHOOK_URL_INVALID', 'Put no user name or password in a webhook URL; verify our signature instead.', {
      url: 'no credentials',
    });
  }
  return url;
}

export interface ResolvedTarget {
  address: string;
  family: 4 | 6;
}

export type Resolver = (hostname: string) => Promise<Array<{ address: string; family: number }>>;

const systemResolver: Resolver = (hostname) => dnsLookup(hostname, { all: true, verbatim: true });

/**
 * The address to connect to for `url`, checked: every address the name resolves to must be
 * public (a name that answers one private address among public ones is refused), unless
 * `allowPrivate`. The sender connects to exactly this address, so a DNS answer that changes
 * between this check and the connection (rebinding) changes nothing.
 */
export async function resolveWebhookTarget(url: URL, allowPrivate: boolean, resolve: Resolver = systemResolver): Promise<ResolvedTarget> {
  const hostname = url.hostname.replace(/^\[(.*)\]$/, '$1');
  let addresses: Array<{ address: string; family: number }>;
  if (isIP(hostname)) addresses = [{ address: hostname, family: isIP(hostname) }];
  else {
    try {
      addresses = await resolve(hostname);
    } catch (error) {
      const code = (error as { code?: string }).code ?? 'error';
      throw new AppError('WEBHOOK_URL_INVALID', `The webhook host "${hostname}" does not resolve (${code}).`, {
        url: 'host does not resolve',
      });
    }
  }
  const first = addresses[0];
  if (!first) throw new AppError('WEBHOOK_URL_INVALID', `The webhook host "${hostname}" has no address.`, { url: 'no address' });
  if (!allowPrivate) {
    const blocked = addresses.find((entry) => isPrivateAddress(entry.address));
    if (blocked) {
      throw new AppError(
        'WEBHOOK_URL_FORBIDDEN',
        `The webhook host "${hostname}" resolves to ${blocked.address}, a loopback, private or reserved address; webhooks go to public addresses only, unless an admin allows private ones (WEBHOOKS_ALLOW_PRIVATE_URLS).`,
        { url: 'private address' },
      );
    }
  }
  return { address: first.address, family: first.family === 6 ? 6 : 4 };
}
