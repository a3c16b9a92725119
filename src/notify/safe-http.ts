import { lookup as dnsLookup } from 'node:dns';
import { type Agent, request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { BlockList, isIP, type LookupFunction } from 'node:net';

/** Addresses a business's URL must never make us reach: this machine, private networks, metadata services. */
const blocked = new BlockList();
for (const [net, prefix] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
] as const)
  blocked.addSubnet(net, prefix, 'ipv4');
for (const [net, prefix] of [
  ['::', 128],
  ['::1', 128],
  ['fc00::', 7],
  ['fe80::', 10],
  ['ff00::', 8],
  ['100::', 64],
  ['2001:db8::', 32],
] as const)
  blocked.addSubnet(net, prefix, 'ipv6');

/**
 * IPv6 prefixes that carry an IPv4 address in their last 32 bits: IPv4-compatible (::/96), IPv4-mapped
 * (::ffff:0:0/96), IPv4-translated (::ffff:0:0:0/96) and NAT64 (64:ff9b::/96, 64:ff9b:1::/48). What
 * they reach is the embedded IPv4 address, so that is what is checked.
 */
const EMBEDS_IPV4 = [
  (g: number[]) => g.slice(0, 6).every((x) => x === 0),
  (g: number[]) => g.slice(0, 5).every((x) => x === 0) && g[5] === 0xffff,
  (g: number[]) => g.slice(0, 4).every((x) => x === 0) && g[4] === 0xffff && g[5] === 0,
  (g: number[]) => g[0] === 0x64 && g[1] === 0xff9b && g.slice(2, 6).every((x) => x === 0),
  (g: number[]) => g[0] === 0x64 && g[1] === 0xff9b && g[2] === 1,
];

/** The eight 16-bit groups of an IPv6 address (dotted IPv4 tails included). */
function groups(address: string): number[] {
  let text = address.toLowerCase().replace(/%.*$/, '');
  const dotted = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(text);
  if (dotted) {
    const [a, b, c, d] = dotted.slice(1).map(Number) as [number, number, number, number];
    text = `${text.slice(0, dotted.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head = '', tail] = text.split('::');
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const fill = tail === undefined ? [] : Array(8 - left.length - right.length).fill('0');
  return [...left, ...fill, ...right].map((x) => Number.parseInt(x, 16));
}

export function isPrivateAddress(address: string): boolean {
  if (isIP(address) !== 6) return blocked.check(address, 'ipv4');
  const g = groups(address);
  if (g.length === 8 && EMBEDS_IPV4.some((embeds) => embeds(g))) {
    const [hi = 0, lo = 0] = g.slice(6);
    const v4 = `${hi >> 8}.${hi & 0xff}.${lo >> 8}.${lo & 0xff}`;
    // ::/96 also holds :: and ::1, which the IPv6 list refuses anyway.
    return blocked.check(v4, 'ipv4') || blocked.check(address, 'ipv6');
  }
  return blocked.check(address, 'ipv6');
}

export class BlockedAddress extends Error {}

/** Resolves like the system does, but refuses private addresses; the connection uses what was checked. */
const guardedLookup: LookupFunction = (hostname, options, callback) => {
  dnsLookup(hostname, { ...options, all: true }, (error, addresses) => {
    if (error) return callback(error, '', 0);
    const list = addresses as { address: string; family: number }[];
    const bad = list.find((a) => isPrivateAddress(a.address));
    if (bad) return callback(new BlockedAddress(`${hostname} resolves to a private address`), '', 0);
    if (options.all) return (callback as unknown as (e: null, a: typeof list) => void)(null, list);
    const first = list[0];
    if (!first) return callback(new Error(`${hostname} has no address`), '', 0);
    callback(null, first.address, first.family);
  });
};

export type PostResult = { status: number } | { error: string; blocked?: boolean };

/**
 * POSTs a body to a URL a business gave us, with a time limit. Unless `allowPrivate`, loopback and
 * private destinations are refused, both as literal addresses and after DNS resolution (and the socket
 * connects to the address that was checked, so a second DNS answer cannot sneak one in).
 */
export function postSafely(
  url: string,
  body: string | Uint8Array,
  headers: Record<string, string>,
  options: { allowPrivate: boolean; timeoutMs?: number; agent?: Agent },
): Promise<PostResult> {
  return new Promise((resolve) => {
    let target: URL;
    try {
      target = new URL(url);
    } catch {
      return resolve({ error: 'not a URL' });
    }
    if (target.protocol !== 'https:' && target.protocol !== 'http:') return resolve({ error: 'not http(s)' });
    const host = target.hostname.replace(/^\[|\]$/g, '');
    if (!options.allowPrivate && isIP(host) && isPrivateAddress(host)) {
      return resolve({ error: 'private address refused', blocked: true });
    }
    const send = target.protocol === 'https:' ? httpsRequest : httpRequest;
    const req = send(
      target,
      {
        method: 'POST',
        headers: { ...headers, 'content-length': Buffer.byteLength(body).toString() },
        timeout: options.timeoutMs ?? 10_000,
        ...(options.agent ? { agent: options.agent } : {}),
        ...(options.allowPrivate ? {} : { lookup: guardedLookup }),
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve({ status: res.statusCode ?? 0 }));
        res.on('error', (e) => resolve({ error: e.message }));
      },
    );
    req.on('timeout', () => req.destroy(new Error('timed out')));
    req.on('error', (e) =>
      resolve(e instanceof BlockedAddress ? { error: e.message, blocked: true } : { error: e.message }),
    );
    req.end(body);
  });
}
