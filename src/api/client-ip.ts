import type { IncomingMessage } from 'node:http';
import { getFetchState } from 'astro/hono';
import type { Context } from 'hono';
import { resolveClientAddress } from '../http/client-address';

/** The client's address of a Hono request: from the Node request or Astro's state; null outside a server. */
export function clientAddress(c: Context, trustedProxies: readonly string[]): string | null {
  const incoming = (c.env as { incoming?: IncomingMessage } | undefined)?.incoming;
  let socket: string | undefined;
  if (incoming) socket = incoming.socket.remoteAddress;
  else {
    try {
      socket = getFetchState(c).clientAddress;
    } catch {
      return null;
    }
  }
  return resolveClientAddress(socket, c.req.header('x-forwarded-for'), trustedProxies);
}

/** The same, with 'unknown' for a request that came without a socket (a test calling the app). */
export const clientIp = (c: Context, trustedProxies: readonly string[]): string =>
  clientAddress(c, trustedProxies) ?? 'unknown';
