import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { and, count, eq, inArray } from 'drizzle-orm';
import { jobs, organisations, steps } from '../../../db/schema';
import { loadJob } from '../jobs/load';
import type { Ctx, Db } from '../platform/context';
import { invalid, notFound, rateLimited, ServiceError } from '../platform/errors';
import { hit, type Limit } from '../platform/rate-limit';
import { loadSecrets } from '../platform/secrets';
import { authorize } from '../staff/permissions';
import { findTrackedJob, type TrackedJob } from './tracker';

/**
 * The tracker on a business's own website. Two ways in, both read-only:
 * - an embed token, made through the API by a business that knows the job, or by a successful lookup;
 * - a tracker link (for oEmbed), which the customer already holds.
 */

/** Lookups per client address (all organisations) and per organisation, per window. */
export const LOOKUP_LIMITS: { perIp: Limit; perOrganisation: Limit } = {
  perIp: { max: 10, windowMs: 15 * 60_000 },
  perOrganisation: { max: 300, windowMs: 15 * 60_000 },
};
/** Every lookup answer, found or not, takes at least this long: wrong reference and wrong postcode look alike. */
export const LOOKUP_FLOOR_MS = 150;
// Process-wide, set from the config when the runtime starts (config WIDGET_LOOKUP_FLOOR_MS, which the
// tests lower): the lookup's callers (API route, embed page) pass no context to carry it.
let lookupFloorMs = LOOKUP_FLOOR_MS;
export function setLookupFloor(ms: number): void {
  lookupFloorMs = ms;
}
/** What a lookup grants: a view of that job for two hours. */
export const LOOKUP_VIEW_SECONDS = 2 * 60 * 60;
export const EMBED_TOKEN_SECONDS = { min: 60, default: 60 * 60, max: 24 * 60 * 60 };
/** The longest an embed token may claim to live (plus a minute for clock skew between processes). */
const MAX_EMBED_LIFETIME_MS = (Math.max(EMBED_TOKEN_SECONDS.max, LOOKUP_VIEW_SECONDS) + 60) * 1000;
export const MAX_EMBED_ORIGINS = 20; // also in the refusal below

// ---- allowed origins ----

/** `https://Shop.Example/orders?x` → `https://shop.example`; refuses what is not an http(s) origin. */
export function normaliseOrigin(raw: string, field = 'embedOrigins'): string {
  let url: URL;
  try {
    url = new URL(raw.trim());
  } catch {
    throw invalid(field, 'web_address');
  }
  if ((url.protocol !== 'https:' && url.protocol !== 'http:') || url.username || url.password)
    throw invalid(field, 'web_address');
  return url.origin;
}

export async function setEmbedOrigins(ctx: Ctx, origins: string[]): Promise<string[]> {
  await authorize(ctx.db, ctx, 'widget:manage');
  const clean = [...new Set(origins.filter((o) => o.trim() !== '').map((o) => normaliseOrigin(o)))];
  if (clean.length > MAX_EMBED_ORIGINS)
    throw invalid('embedOrigins', 'too_many_websites', { max: MAX_EMBED_ORIGINS });
  await ctx.db
    .update(organisations)
    .set({ embedOrigins: clean })
    .where(eq(organisations.id, ctx.organisationId));
  return clean;
}

/** The `frame-ancestors` sources: this site itself (the console's preview) and the listed origins. */
export const frameAncestors = (origins: readonly string[]) => ["'self'", ...origins].join(' ');

// ---- embed tokens: `jobId.expiresAtSeconds.signature`, nothing stored ----

const signature = (key: Buffer, jobId: string, exp: number) =>
  createHmac('sha256', key).update(`embed:read:${jobId}.${exp}`).digest();

async function signEmbedToken(db: Db, jobId: string, expiresAt: number): Promise<string> {
  const exp = Math.floor(expiresAt / 1000);
  const { embed } = await loadSecrets(db);
  return `${jobId}.${exp}.${signature(embed, jobId, exp).toString('base64url')}`;
}

export type EmbedToken = { token: string; expiresAt: number };

/**
 * A read-only view of one of the organisation's jobs, for its own website; expires after `seconds`.
 * With the job's number of steps, which sets the height the snippet reserves.
 */
export async function issueEmbedToken(
  ctx: Ctx,
  jobId: string,
  seconds = EMBED_TOKEN_SECONDS.default,
): Promise<EmbedToken & { steps: number }> {
  if (!Number.isInteger(seconds) || seconds < EMBED_TOKEN_SECONDS.min || seconds > EMBED_TOKEN_SECONDS.max)
    throw invalid('expiresIn', 'embed_lifetime', {
      min: EMBED_TOKEN_SECONDS.min,
      max: EMBED_TOKEN_SECONDS.max,
    });
  await loadJob(ctx.db, ctx, jobId);
  await authorize(ctx.db, ctx, 'embed_token:issue');
  const expiresAt = ctx.clock.now() + seconds * 1000;
  return {
    token: await signEmbedToken(ctx.db, jobId, expiresAt),
    expiresAt,
    steps: await stepCount(ctx.db, jobId),
  };
}

export async function stepCount(db: Db, jobId: string): Promise<number> {
  const [row] = await db.select({ n: count() }).from(steps).where(eq(steps.jobId, jobId));
  return row?.n ?? 0;
}

export type EmbedAccess =
  | { kind: 'found'; found: TrackedJob; expiresAt: number | null }
  | { kind: 'expired' }
  | { kind: 'unknown' };

/** Who may see what for a widget token: an embed token (checked, unexpired) or a tracker token. */
export async function resolveEmbed(db: Db, token: string, now: number): Promise<EmbedAccess> {
  if (!token.includes('.')) {
    const found = await findTrackedJob(db, token);
    return found ? { kind: 'found', found, expiresAt: null } : { kind: 'unknown' };
  }
  const [jobId, expText, sig, ...rest] = token.split('.');
  if (!jobId || !expText || !sig || rest.length > 0 || !/^\d{1,12}$/.test(expText))
    return { kind: 'unknown' };
  const exp = Number(expText);
  const given = Buffer.from(sig, 'base64url');
  const expected = signature((await loadSecrets(db)).embed, jobId, exp);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return { kind: 'unknown' };
  if (exp * 1000 <= now) return { kind: 'expired' };
  // No token we issue lives longer; one that claims to was not made by this version (or leaked a key).
  if (exp * 1000 > now + MAX_EMBED_LIFETIME_MS) return { kind: 'unknown' };
  const [found] = await db
    .select({ job: jobs, organisation: organisations })
    .from(jobs)
    .innerJoin(organisations, eq(organisations.id, jobs.organisationId))
    .where(eq(jobs.id, jobId));
  return found ? { kind: 'found', found, expiresAt: exp * 1000 } : { kind: 'unknown' };
}

/**
 * Whether a website (`origin`, as the browser sends it) may show this organisation's widget (by its slug)
 * or this job's (by a widget token). The loader asks before its frame would be refused by
 * `frame-ancestors`, so a visitor reads why instead of a broken frame. Says no more than that header does.
 */
export async function embedAllowed(
  db: Db,
  origin: string | null,
  target: { organisation: string } | { token: string },
  now: number,
): Promise<boolean> {
  if (!origin) return false;
  const org =
    'organisation' in target
      ? await findOrganisationBySlug(db, target.organisation)
      : await resolveEmbed(db, target.token, now).then((a) =>
          a.kind === 'found' ? a.found.organisation : null,
        );
  return !!org && org.embedOrigins.includes(origin);
}

// ---- lookup: reference plus postcode or email ----

export type LookupInput = { reference: string; postcode?: string | undefined; email?: string | undefined };

export const findOrganisationBySlug = async (db: Db, slug: string) =>
  (await db.select().from(organisations).where(eq(organisations.slug, slug)))[0] ?? null;

const noMatch = () => new ServiceError('not_found', 'no_match');

const digest = (value: string) => createHash('sha256').update(value).digest();
const normalPostcode = (value: string) => value.replace(/\s+/g, '').toUpperCase();
const normalEmail = (value: string) => value.trim().toLowerCase();

/**
 * Finds a job the way a customer can: its reference and the postcode or email it was created with.
 * A reference alone never reveals a job; a wrong reference and a wrong postcode get the same error
 * after the same (minimum) time; attempts are limited per client address and per organisation.
 */
export async function lookupJob(
  db: Db,
  now: number,
  organisationSlug: string,
  input: LookupInput,
  clientIp: string,
): Promise<EmbedToken> {
  const org = await findOrganisationBySlug(db, organisationSlug);
  if (!org) throw notFound('organisation');
  const postcode = input.postcode?.trim() ? normalPostcode(input.postcode) : '';
  const email = input.email?.trim() ? normalEmail(input.email) : '';
  if (!postcode && !email) throw invalid('postcode', 'postcode_or_email');
  for (const [key, limit] of [
    [`widget-lookup:ip:${clientIp}`, LOOKUP_LIMITS.perIp],
    [`widget-lookup:org:${org.id}`, LOOKUP_LIMITS.perOrganisation],
  ] as const) {
    const verdict = await hit(db, key, limit, now);
    if (!verdict.allowed) throw rateLimited('rate_limited', Math.ceil(verdict.retryAfterMs / 1000));
  }
  const started = performance.now();
  try {
    const reference = input.reference.trim();
    const [job] = await db
      .select({
        id: jobs.id,
        postcode: jobs.customerPostcode,
        address: jobs.address,
        email: jobs.customerEmail,
      })
      .from(jobs)
      .where(
        and(
          eq(jobs.organisationId, org.id),
          inArray(jobs.reference, [...new Set([reference, reference.toUpperCase()])]),
        ),
      )
      .limit(1);
    // Compare digests in constant time, against a stand-in when there is no job, so both paths do the same work.
    // A postcode may be the customer's or the job's address's (a delivery to another address): both are compared.
    const given = digest(postcode ? `p:${postcode}` : `e:${email}`);
    const onFile = postcode
      ? [`p:${normalPostcode(job?.postcode ?? '')}`, `p:${normalPostcode(job?.address?.postcode ?? '')}`]
      : [`e:${normalEmail(job?.email ?? '')}`, `e:`];
    const hits = onFile.map((value) => timingSafeEqual(given, digest(value)) && value.length > 2);
    const matches = !!job && hits.some(Boolean);
    if (!job || !matches) throw noMatch();
    return {
      token: await signEmbedToken(db, job.id, now + LOOKUP_VIEW_SECONDS * 1000),
      expiresAt: now + LOOKUP_VIEW_SECONDS * 1000,
    };
  } finally {
    const left = lookupFloorMs - (performance.now() - started);
    if (left > 0) await sleep(left);
  }
}
