import { and, desc, eq, isNull } from 'drizzle-orm';
import { rowsAffected } from '../../../db/dialect';
import { apiKeys, organisations } from '../../../db/schema';
import type { Ctx } from '../platform/context';
import { invalid, notFound } from '../platform/errors';
import { LIMITS } from '../platform/limits';
import { mediaUrl, ownImages } from '../platform/media';
import { authorize } from '../staff/permissions';
import { type ApiKeyScope, createApiKey, forgetApiKeys } from './api-keys';

export type OrganisationSettings = {
  name: string;
  brandColor: string;
  defaultLocale: 'nl' | 'en';
  timeZone: string;
  currency: string;
  vatRatesBp: number[];
  answerMinutes: number;
  /** An image stored with `storeImage(…, 'logo')`; null removes the logo; undefined keeps it. */
  logoId?: string | null;
};

const TIME_ZONES = new Set(Intl.supportedValuesOf('timeZone'));
const CURRENCIES = new Set(Intl.supportedValuesOf('currency'));

export async function getOrganisation(ctx: Ctx) {
  const [org] = await ctx.db.select().from(organisations).where(eq(organisations.id, ctx.organisationId));
  if (!org) throw notFound('organisation');
  return org;
}

/** Admins only. Rules that zod cannot know: real time zones and currencies, distinct VAT rates. */
export async function updateOrganisation(ctx: Ctx, input: OrganisationSettings) {
  await authorize(ctx.db, ctx, 'settings:manage');
  if (!TIME_ZONES.has(input.timeZone) && input.timeZone !== 'UTC')
    throw invalid('timeZone', 'unknown_time_zone');
  if (!CURRENCIES.has(input.currency)) throw invalid('currency', 'unknown_currency');
  const vatRatesBp = [...new Set(input.vatRatesBp)].sort((a, b) => b - a);
  if (vatRatesBp.length === 0) throw invalid('vatRates', 'vat_rates_missing');
  const logoUrl =
    input.logoId === undefined
      ? undefined
      : input.logoId === null
        ? null
        : mediaUrl((await ownImages(ctx.db, ctx, 'logo', [input.logoId]))[0]?.id ?? '');
  await ctx.db
    .update(organisations)
    .set({
      name: input.name,
      brandColor: input.brandColor.toLowerCase(),
      defaultLocale: input.defaultLocale,
      timeZone: input.timeZone,
      currency: input.currency.toUpperCase(),
      vatRatesBp,
      answerMinutes: input.answerMinutes,
      ...(logoUrl !== undefined ? { logoUrl } : {}),
    })
    .where(eq(organisations.id, ctx.organisationId));
  // The API's keys carry the organisation's currency.
  await forgetApiKeys(ctx.db);
}

/** The organisation's API keys, without secrets: label, prefix, scope, created, last used, revoked. */
export async function listApiKeys(ctx: Ctx) {
  await authorize(ctx.db, ctx, 'settings:manage');
  return ctx.db
    .select({
      id: apiKeys.id,
      label: apiKeys.label,
      prefix: apiKeys.prefix,
      scope: apiKeys.scope,
      createdAt: apiKeys.createdAt,
      lastUsedAt: apiKeys.lastUsedAt,
      revokedAt: apiKeys.revokedAt,
    })
    .from(apiKeys)
    .where(eq(apiKeys.organisationId, ctx.organisationId))
    .orderBy(desc(apiKeys.createdAt));
}

/** Returns the key's plaintext: shown once. */
export async function issueApiKey(ctx: Ctx, label: string, scope: ApiKeyScope) {
  await authorize(ctx.db, ctx, 'settings:manage');
  return createApiKey(ctx.db, ctx.clock, ctx.organisationId, label, scope);
}

export async function revokeApiKey(ctx: Ctx, keyId: string) {
  await authorize(ctx.db, ctx, 'settings:manage');
  const result = await ctx.db
    .update(apiKeys)
    .set({ revokedAt: ctx.clock.now() })
    .where(
      and(eq(apiKeys.id, keyId), eq(apiKeys.organisationId, ctx.organisationId), isNull(apiKeys.revokedAt)),
    );
  if (rowsAffected(result) === 0) throw notFound('API key');
  await forgetApiKeys(ctx.db);
}

/** Admins only: the hourly rate the insights price answering questions at, and the tracker's promise record. */
export async function updateInsightSettings(
  ctx: Ctx,
  input: {
    hourlyRateCents: number;
    showPromiseRecord: boolean;
    /** A question's minutes per channel when none were entered or measured (each 1–480). */
    questionMinutes?: Record<'tracker' | 'phone' | 'desk' | 'email', number>;
  },
) {
  await authorize(ctx.db, ctx, 'settings:manage');
  if (
    !Number.isInteger(input.hourlyRateCents) ||
    input.hourlyRateCents < 0 ||
    input.hourlyRateCents > LIMITS.hourlyRate * 100
  )
    throw invalid('hourlyRate', 'hourly_rate_range', { max: LIMITS.hourlyRate });
  if (input.questionMinutes)
    for (const [channel, minutes] of Object.entries(input.questionMinutes))
      if (!Number.isInteger(minutes) || minutes < 1 || minutes > LIMITS.effortMinutes)
        throw invalid(`minutes.${channel}`, 'effort_minutes_range', { max: LIMITS.effortMinutes });
  await ctx.db
    .update(organisations)
    .set({
      hourlyRateCents: input.hourlyRateCents,
      showPromiseRecord: input.showPromiseRecord,
      ...(input.questionMinutes ? { questionMinutes: input.questionMinutes } : {}),
    })
    .where(eq(organisations.id, ctx.organisationId));
}
