import type { IncomingMessage } from 'node:http';
import { getFetchState } from 'astro/hono';
import type { Context } from 'hono';
import { errorResponse } from '../http/errors';
import { STREAMS_RETRY_AFTER } from '../live/limits';
import type { Runtime } from '../runtime';

/**
 * The client's address as the server saw it (no proxy headers trusted): from the Node request when
 * src/http/node-server.ts serves the stream, from Astro's state inside its pipeline; null in tests calling the app.
 */
export function clientAddress(c: Context): string | null {
  const incoming = (c.env as { incoming?: IncomingMessage } | undefined)?.incoming;
  if (incoming) return incoming.socket.remoteAddress ?? null;
  try {
    return getFetchState(c).clientAddress ?? null;
  } catch {
    return null;
  }
}

/** A place for one more live stream on this credential and address, or the 429 that refuses it. */
export function streamSlot(c: Context, rt: Runtime, credential: string) {
  const release = rt.live.limits.acquire(credential, clientAddress(c));
  if (release) return { release };
  c.header('retry-after', String(STREAMS_RETRY_AFTER));
  return {
    refused: errorResponse(
      c,
      429,
      'too_many_streams',
      'too many live streams open; close one and try again',
      {
        retryAfterSeconds: STREAMS_RETRY_AFTER,
      },
    ),
  };
}
