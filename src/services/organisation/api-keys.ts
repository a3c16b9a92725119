import { randomBytes } from 'node:crypto';
import { and, eq, isNull } from 'drizzle-orm';
import { KEYS_CHANNEL, notifyOthers } from '../../../db/dialect';
import { param, prepared } from '../../../db/prepared';
import { apiKeys, organisations } from '../../../db/schema';
import type { BaseCtx, Clock, Db } from '../platform/context';
import { newId, sha256 } from '../platform/ids';

/** Recognisable prefix, so secret scanners and people can spot a leaked key. */
export const API_KEY_PREFIX = 'ok_live_';

export type ApiKeyScope = 'read' | 'write';

/** Creates a key and returns its plaintext: the one and only time it is shown. */
export async function createApiKey(
  db: Db,
  clock: Clock,
  organisationId: string,
  label: string,
  scope: ApiKeyScope = 'write',
) {
  const key = `${API_KEY_PREFIX}${randomBytes(24).toString('base64url')}`;
  const id = newId('key');
  await db.insert(apiKeys).values({
    id,
    organisationId,
    label,
    prefix: key.slice(0, API_KEY_PREFIX.length + 4),
    hash: sha256(key),
    scope,
    createdAt: clock.now(),
  });
  return { id, key, scope };
}

const LAST_USED_RESOLUTION_MS = 60_000;

const keyByHash = prepared((db) =>
  db
    .select({
      id: apiKeys.id,
      scope: apiKeys.scope,
      lastUsedAt: apiKeys.lastUsedAt,
      organisationId: organisations.id,
      currency: organisations.currency,
    })
    .from(apiKeys)
    .innerJoin(organisations, eq(organisations.id, apiKeys.organisationId))
    .where(and(eq(apiKeys.hash, param('hash')), isNull(apiKeys.revokedAt)))
    .prepare(),
);

export type AuthenticatedKey = {
  keyId: string;
  organisation: { id: string; currency: string };
  scope: ApiKeyScope;
};

/**
 * Looks a bearer key up by hash. Records when it was last used, at most once a minute (no write per
 * request). Runs on every API call, so it reads only the columns it needs (each column read costs)
 * with a statement built once, and where the database keeps keys in a cache (`cacheApiKeys`) it reads
 * a key at most once a minute.
 */
export async function authenticateApiKey(
  { db, clock }: BaseCtx,
  key: string,
): Promise<AuthenticatedKey | null> {
  if (!key.startsWith(API_KEY_PREFIX) || key.length > 128) return null;
  const hash = sha256(key);
  const now = clock.now();
  const cache = caches.get(db);
  let entry = cache?.get(hash, now);
  if (!entry) {
    const generation = cache?.generation;
    const [row] = await keyByHash(db).all({ hash });
    if (!row) return null;
    entry = {
      found: {
        keyId: row.id,
        organisation: { id: row.organisationId, currency: row.currency },
        scope: row.scope,
      },
      lastUsedAt: row.lastUsedAt,
      until: now + KEY_CACHE_MS,
    };
    // Not when a change was announced while the row was on its way: it may be the row from before.
    if (cache && cache.generation === generation) cache.set(hash, entry);
  }
  if (!entry.lastUsedAt || now - entry.lastUsedAt > LAST_USED_RESOLUTION_MS) {
    entry.lastUsedAt = now;
    await db.update(apiKeys).set({ lastUsedAt: now }).where(eq(apiKeys.id, entry.found.keyId));
  }
  return entry.found;
}

/** How long a process trusts a key it read, at most (changes are announced, see `forgetApiKeys`). */
const KEY_CACHE_MS = 60_000;
/** Keys one process keeps, at most: the oldest goes first. */
const KEY_CACHE_SIZE = 10_000;

type Entry = { found: AuthenticatedKey; lastUsedAt: number | null; until: number };

/** The keys one process has read, by hash, and how many changes it has heard of. */
class KeyCache {
  private entries = new Map<string, Entry>();
  generation = 0;
  get(hash: string, now: number): Entry | undefined {
    const entry = this.entries.get(hash);
    if (entry && entry.until > now) return entry;
    this.entries.delete(hash);
    return undefined;
  }
  set(hash: string, entry: Entry) {
    if (this.entries.size >= KEY_CACHE_SIZE) this.entries.delete(this.entries.keys().next().value as string);
    this.entries.set(hash, entry);
  }
  forget() {
    this.entries.clear();
    this.generation++;
  }
}

const caches = new WeakMap<object, KeyCache>();

/**
 * On PostgreSQL every API call would otherwise begin with a round trip for its key. With this, the
 * process serving `db` keeps the keys it has read (`authenticateApiKey`) and forgets them all whenever
 * a key or an organisation changes in any process (`forgetApiKeys`, announced on `KEYS_CHANNEL`) and
 * whenever it may have missed such an announcement (its listening connection reconnected); a minute
 * at most in any case. Only for a database whose `onNotified` delivers those announcements.
 */
export function cacheApiKeys(db: Db, onNotified: (channel: string, handler: () => void) => void): void {
  const cache = new KeyCache();
  caches.set(db, cache);
  onNotified(KEYS_CHANNEL, () => cache.forget());
}

/**
 * After a key is revoked or an organisation's settings change: this process forgets its keys at once,
 * the others when the announcement reaches them (when `db`'s transaction commits).
 */
export async function forgetApiKeys(db: Db): Promise<void> {
  caches.get(db)?.forget();
  await notifyOthers(db, KEYS_CHANNEL);
}
