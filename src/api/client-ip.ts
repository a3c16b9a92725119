import { getFetchState } from 'astro/hono';
import type { Context } from 'hono';

/** The client's address as the server saw it (no proxy headers trusted); outside Astro, unknown. */
export function clientIp(c: Context): string {
  try {
    return getFetchState(c).clientAddress ?? 'unknown';
  } catch {
    return 'unknown';
  }
}
