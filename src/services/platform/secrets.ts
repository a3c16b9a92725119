import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { instanceSecrets } from '../../../db/schema';
import type { Db } from './context';

/** Keys derived from the installation's one root secret. */
export type Secrets = {
  /** Signs session cookies (better-auth). */
  auth: string;
  /** Seals tracker tokens at rest so staff can copy a link again (AES-256-GCM). */
  seal: Buffer;
  /** Signs the widget's short-lived embed tokens (HMAC-SHA256). */
  embed: Buffer;
  /** Signs the per-job reply addresses in messages we send (HMAC-SHA256). */
  reply: Buffer;
};

const ROOT = 'root';
const cache = new WeakMap<Db, Promise<Secrets>>();

/**
 * The installation's secrets: derived from `SECRET_KEY` when the operator sets it (then a copy of the
 * database alone does not unseal tracker links), otherwise from a root secret generated once and kept
 * in the database, so a fresh machine works without configuration and all processes agree.
 */
export function loadSecrets(db: Db, secretKey?: string): Promise<Secrets> {
  let found = cache.get(db);
  if (!found) {
    found = (secretKey ? Promise.resolve(secretKey) : storedRoot(db)).then(derive);
    cache.set(db, found);
  }
  return found;
}

/**
 * Lets a transaction opened on `db` find the secrets already loaded for it: the cache is per database
 * object, and a transaction is another one (reloading there would ignore `SECRET_KEY`).
 */
export function shareSecrets(db: Db, tx: Db): void {
  const found = cache.get(db);
  if (found) cache.set(tx, found);
}

async function storedRoot(db: Db): Promise<string> {
  await db
    .insert(instanceSecrets)
    .values({ name: ROOT, value: randomBytes(32).toString('base64url'), createdAt: Date.now() })
    .onConflictDoNothing();
  const [row] = await db.select().from(instanceSecrets).where(eq(instanceSecrets.name, ROOT));
  if (!row) throw new Error('the instance secret could not be stored');
  return row.value;
}

function derive(root: string): Secrets {
  const key = (purpose: string) => Buffer.from(hkdfSync('sha256', root, 'open-kitchen', purpose, 32));
  return {
    auth: key('auth').toString('base64url'),
    seal: key('seal'),
    embed: key('embed'),
    reply: key('reply'),
  };
}

/** `iv.ciphertext.tag`, base64url. */
export function seal(key: Buffer, plaintext: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return [iv, body, cipher.getAuthTag()].map((b) => b.toString('base64url')).join('.');
}

/** The plaintext, or null when the value was sealed with another key or tampered with. */
export function unseal(key: Buffer, sealed: string): string | null {
  const [iv, body, tag] = sealed.split('.').map((p) => Buffer.from(p, 'base64url'));
  if (!iv || !body || !tag) return null;
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, iv);
    decipher.setAuthTag(tag);
    return Buffer.concat([decipher.update(body), decipher.final()]).toString('utf8');
  } catch {
    return null;
  }
}
