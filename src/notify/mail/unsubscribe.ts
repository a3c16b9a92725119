import { createHmac, timingSafeEqual } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { jobs, organisations } from '../../../db/schema';
import type { Locale } from '../../i18n/messages';
import { type Db, writeTransaction } from '../../services/platform/context';
import { unsubscribeEmail } from '../preferences';

/**
 * One-click unsubscribe links (RFC 8058): `<job id, base64url>.<HMAC>`, signed with the reply key under
 * its own label. A link cannot be made for another job; it does not expire (an old message must still
 * be able to stop the next one).
 */
export function unsubscribeToken(key: Buffer, jobId: string): string {
  return `${Buffer.from(jobId).toString('base64url')}.${sign(key, jobId)}`;
}

/** The job an unsubscribe token is for, or null when it is malformed or forged. */
export function readUnsubscribeToken(key: Buffer, token: string): string | null {
  const match = /^([A-Za-z0-9_-]{1,80})\.([A-Za-z0-9_-]{22})$/.exec(token);
  if (!match) return null;
  const jobId = Buffer.from(match[1] ?? '', 'base64url').toString();
  const expected = Buffer.from(sign(key, jobId));
  const given = Buffer.from(match[2] ?? '');
  return expected.length === given.length && timingSafeEqual(expected, given) ? jobId : null;
}

const sign = (key: Buffer, jobId: string) =>
  createHmac('sha256', key).update(`unsubscribe|${jobId}`).digest().subarray(0, 16).toString('base64url');

/** The job an unsubscribe link is for, with what its page names; null when the link is not valid. */
export async function unsubscribeTarget(db: Db, key: Buffer, token: string) {
  const jobId = readUnsubscribeToken(key, token);
  if (!jobId) return null;
  const [found] = await db
    .select({
      jobId: jobs.id,
      reference: jobs.reference,
      locale: jobs.locale,
      org: organisations.name,
      defaultLocale: organisations.defaultLocale,
    })
    .from(jobs)
    .innerJoin(organisations, eq(organisations.id, jobs.organisationId))
    .where(eq(jobs.id, jobId));
  if (!found) return null;
  return { ...found, locale: (found.locale ?? found.defaultLocale) as Locale };
}

/** One-click unsubscribe: no more email about the job. Idempotent; null when the link is not valid. */
export async function unsubscribeByToken(db: Db, key: Buffer, token: string, now: number) {
  const target = await unsubscribeTarget(db, key, token);
  if (!target) return null;
  await writeTransaction(db, (tx) => unsubscribeEmail(tx, target.jobId, now));
  return target;
}
