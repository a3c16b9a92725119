import { randomBytes } from 'node:crypto';
import { and, eq, isNull } from 'drizzle-orm';
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

/**
 * Looks a bearer key up by hash. Records when it was last used, at most once a minute (no write per
 * request). Runs on every API call, so it reads only the columns it needs (each column read costs)
 * with a statement built once.
 */
export async function authenticateApiKey({ db, clock }: BaseCtx, key: string) {
  if (!key.startsWith(API_KEY_PREFIX) || key.length > 128) return null;
  const [row] = await keyByHash(db).all({ hash: sha256(key) });
  if (!row) return null;
  const now = clock.now();
  if (!row.lastUsedAt || now - row.lastUsedAt > LAST_USED_RESOLUTION_MS) {
    await db.update(apiKeys).set({ lastUsedAt: now }).where(eq(apiKeys.id, row.id));
  }
  return {
    keyId: row.id,
    organisation: { id: row.organisationId, currency: row.currency },
    scope: row.scope,
  };
}
