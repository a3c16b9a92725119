/**
 * Faults of the storage rather than of the request: a full disk, an I/O error, a database still locked
 * after the busy timeout, a lost connection. The client's request was fine and may succeed later, so
 * these answer 503 with a retry hint instead of 500.
 */
const SQLITE = /^SQLITE_(FULL|IOERR|BUSY|LOCKED|CANTOPEN|READONLY|NOMEM|PROTOCOL)/;
const NETWORK = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ENOSPC',
]);
/**
 * PostgreSQL: connection exceptions (08…), insufficient resources (53…), operator intervention (57P…),
 * and a lock still held by another writer after the lock timeout (55P03, as SQLITE_BUSY).
 */
const POSTGRES = /^(08|53|57P|55P03$)/;

/** Seconds a client should wait before trying again. */
export const RETRY_AFTER_SECONDS = 5;

export function isStorageUnavailable(error: unknown): boolean {
  for (let e = error, depth = 0; e && typeof e === 'object' && depth < 8; depth++) {
    const { code, rawCode, cause } = e as { code?: unknown; rawCode?: unknown; cause?: unknown };
    if (typeof code === 'string' && (SQLITE.test(code) || NETWORK.has(code) || POSTGRES.test(code)))
      return true;
    if (typeof rawCode === 'number' && [5, 6, 10, 13, 14].includes(rawCode & 0xff)) return true;
    const message = (e as { message?: unknown }).message;
    if (typeof message === 'string' && /\bSQLITE_(FULL|IOERR|BUSY)\b|database or disk is full/.test(message))
      return true;
    e = cause;
  }
  return false;
}
