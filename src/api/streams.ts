import type { Context } from 'hono';
import { errorResponse } from '../http/errors';
import { STREAMS_RETRY_AFTER } from '../live/limits';
import type { Runtime } from '../runtime';
import { clientAddress } from './client-ip';

/** A place for one more live stream on this credential and address, or the 429 that refuses it. */
export function streamSlot(c: Context, rt: Runtime, credential: string) {
  const release = rt.live.limits.acquire(credential, clientAddress(c, rt.config.trustedProxies));
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
