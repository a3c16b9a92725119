import { and, eq, inArray, isNull } from 'drizzle-orm';
import webpush from 'web-push';
import { instanceSecrets, pushSubscriptions } from '../../db/schema';
import type { Ctx, Db } from '../services/platform/context';
import { conflict, invalid, notFound, rateLimited } from '../services/platform/errors';
import { newId } from '../services/platform/ids';
import { hit, type Limit } from '../services/platform/rate-limit';
import { findTrackedJob } from '../services/tracker/tracker';

export type Keys = { publicKey: string; privateKey: string };

/** The installation's VAPID key pair: from the environment when set, else generated once and kept. */
export async function vapidKeys(db: Db, fromEnv?: Keys): Promise<Keys> {
  if (fromEnv) return fromEnv;
  const fresh = webpush.generateVAPIDKeys();
  await db
    .insert(instanceSecrets)
    .values({ name: 'vapid', value: JSON.stringify(fresh), createdAt: Date.now() })
    .onConflictDoNothing();
  const [row] = await db.select().from(instanceSecrets).where(eq(instanceSecrets.name, 'vapid'));
  if (!row) throw new Error('the VAPID keys could not be stored');
  return JSON.parse(row.value) as Keys;
}

export type BrowserSubscription = { endpoint: string; keys: { p256dh: string; auth: string } };

function checked(sub: BrowserSubscription) {
  let url: URL;
  try {
    url = new URL(sub.endpoint);
  } catch {
    throw invalid('endpoint', 'push_endpoint');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw invalid('endpoint', 'push_endpoint');
  const p256dh = Buffer.from(sub.keys.p256dh, 'base64url');
  if (p256dh.length !== 65 || p256dh[0] !== 4) throw invalid('keys.p256dh', 'push_key');
  if (Buffer.from(sub.keys.auth, 'base64url').length !== 16) throw invalid('keys.auth', 'push_secret');
  return { endpoint: url.toString(), p256dh: sub.keys.p256dh, auth: sub.keys.auth };
}

/**
 * What one tracker link and one client address may register: a family's phones and laptops, not a
 * script's hundreds of endpoints (each is a message to encrypt and post on every update).
 */
export const PUSH_LIMITS: { perJob: number; perIp: Limit } = {
  perJob: 10,
  perIp: { max: 20, windowMs: 60 * 60_000 },
};

/** "Notify me" on the tracker: the browser's subscription for this job (one row per browser). */
export async function subscribeToJob(
  db: Db,
  now: number,
  token: string,
  sub: BrowserSubscription,
  locale: 'nl' | 'en',
  clientIp = 'unknown',
) {
  const found = await findTrackedJob(db, token);
  if (!found) throw notFound('tracker');
  const target = checked(sub);
  const verdict = await hit(db, `push-subscribe:ip:${clientIp}`, PUSH_LIMITS.perIp, now);
  if (!verdict.allowed) {
    const retryAfterSeconds = Math.ceil(verdict.retryAfterMs / 1000);
    throw rateLimited('rate_limited', retryAfterSeconds);
  }
  const existing = await db
    .select({ endpoint: pushSubscriptions.endpoint })
    .from(pushSubscriptions)
    .where(and(eq(pushSubscriptions.jobId, found.job.id), isNull(pushSubscriptions.specialistId)));
  if (existing.length >= PUSH_LIMITS.perJob && !existing.some((e) => e.endpoint === target.endpoint))
    throw conflict('too_many_subscriptions', { max: PUSH_LIMITS.perJob }, { max: PUSH_LIMITS.perJob });
  await db
    .insert(pushSubscriptions)
    .values({
      id: newId('push'),
      organisationId: found.job.organisationId,
      jobId: found.job.id,
      locale,
      createdAt: now,
      ...target,
    })
    .onConflictDoUpdate({
      target: pushSubscriptions.endpoint,
      set: {
        organisationId: found.job.organisationId,
        jobId: found.job.id,
        specialistId: null,
        locale,
        ...target,
      },
    });
}

/** A specialist's browser, for questions and decisions that reach them. */
export async function subscribeSpecialist(
  ctx: Ctx,
  specialistId: string,
  sub: BrowserSubscription,
  locale: 'nl' | 'en',
) {
  const target = checked(sub);
  await ctx.db
    .insert(pushSubscriptions)
    .values({
      id: newId('push'),
      organisationId: ctx.organisationId,
      specialistId,
      locale,
      createdAt: ctx.clock.now(),
      ...target,
    })
    .onConflictDoUpdate({
      target: pushSubscriptions.endpoint,
      set: { organisationId: ctx.organisationId, specialistId, jobId: null, locale, ...target },
    });
}

/** Subscriptions for a set of jobs and specialists. */
export async function subscriptionsFor(db: Db, jobIds: string[], specialistIds: string[]) {
  const [byJob, bySpecialist] = await Promise.all([
    jobIds.length ? db.select().from(pushSubscriptions).where(inArray(pushSubscriptions.jobId, jobIds)) : [],
    specialistIds.length
      ? db.select().from(pushSubscriptions).where(inArray(pushSubscriptions.specialistId, specialistIds))
      : [],
  ]);
  return [...byJob, ...bySpecialist];
}

export async function forgetSubscription(db: Db, id: string) {
  await db.delete(pushSubscriptions).where(and(eq(pushSubscriptions.id, id)));
}
