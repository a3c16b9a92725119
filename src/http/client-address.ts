import { BlockList, isIP } from 'node:net';

/**
 * Who is on the other end of a request, for rate limits and stream caps (docs/decisions/client-address.md).
 *
 * The socket's address, unless that socket is one of `TRUSTED_PROXIES` (a load balancer in front of us):
 * then `X-Forwarded-For` is read from the right — each trusted hop appended the address it saw — and the
 * first address not itself a trusted proxy is the client. Anything left of it was written by the client
 * and is never believed. With no trusted proxies (the default) the header is ignored.
 */

const lists = new WeakMap<readonly string[], BlockList>();

function blockList(entries: readonly string[]): BlockList {
  let list = lists.get(entries);
  if (list) return list;
  list = new BlockList();
  for (const entry of entries) {
    const [address = '', prefix] = entry.split('/');
    const type = isIP(address) === 6 ? 'ipv6' : 'ipv4';
    if (prefix === undefined) list.addAddress(address, type);
    else list.addSubnet(address, Number(prefix), type);
  }
  lists.set(entries, list);
  return list;
}

/** `::ffff:10.0.0.1` (IPv4 on a dual-stack socket) as `10.0.0.1`; anything not an address: null. */
function plain(address: string | null | undefined): string | null {
  const trimmed = address?.trim() ?? '';
  const unmapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(trimmed)?.[1] ?? trimmed;
  return isIP(unmapped) ? unmapped : null;
}

function trusted(list: BlockList, address: string): boolean {
  return list.check(address, isIP(address) === 6 ? 'ipv6' : 'ipv4');
}

/** The client's address from the socket's and the forwarded-for header's, given the trusted proxies. */
export function resolveClientAddress(
  socketAddress: string | null | undefined,
  forwardedFor: string | null | undefined,
  trustedProxies: readonly string[],
): string | null {
  const socket = plain(socketAddress);
  if (!socket || trustedProxies.length === 0 || !forwardedFor) return socket;
  const list = blockList(trustedProxies);
  if (!trusted(list, socket)) return socket;
  const hops = forwardedFor.split(',').slice(-32).reverse();
  let client = socket;
  for (const hop of hops) {
    const address = plain(hop);
    // A hop that is not an address: nothing to its left can be believed; the last trusted hop saw this one.
    if (!address) return client;
    client = address;
    if (!trusted(list, address)) return address;
  }
  return client;
}

/** The same for an Astro page: `Astro.clientAddress` is the socket's (no `security.allowedDomains` set). */
export const pageClientAddress = (Astro: {
  clientAddress: string;
  request: Request;
  locals: App.Locals;
}): string =>
  resolveClientAddress(
    Astro.clientAddress,
    Astro.request.headers.get('x-forwarded-for'),
    Astro.locals.runtime.config.trustedProxies,
  ) ?? 'unknown';
