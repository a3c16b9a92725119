import { z } from 'zod';
import type { ConsoleMessages } from '../i18n/console';
import { createEndpoint, listEndpoints } from '../notify/webhook-endpoints';
import { INVOICE_LIMITS, setInvoiceDetails } from '../services/organisation/invoice-details';
import {
  getOrganisation,
  issueApiKey,
  listApiKeys,
  revokeApiKey,
  updateInsightSettings,
  updateOrganisation,
} from '../services/organisation/settings';
import { ADDRESS_LIMITS } from '../services/platform/address';
import type { Ctx } from '../services/platform/context';
import { LIMITS } from '../services/platform/limits';
import { storeImage } from '../services/platform/media';
import { type Handler, parseForm, uploadedFiles } from './page';

/** The settings page (src/pages/console/settings.astro): its forms and what it shows. Admins only. */

const settingsSchema = z.object({
  name: z.string().trim().min(1).max(LIMITS.personName),
  brandColor: z
    .string()
    .trim()
    .regex(/^#[0-9a-fA-F]{6}$/, 'colour_expected'),
  defaultLocale: z.enum(['nl', 'en']),
  timeZone: z.string().trim().min(1).max(64),
  currency: z
    .string()
    .trim()
    .regex(/^[A-Za-z]{3}$/, 'bad_format'),
  vatRates: z
    .string()
    .trim()
    .min(1)
    .transform((v, c) => {
      const rates = v
        .split(/[,;\s]+/)
        .filter(Boolean)
        .map((r) => Number(r.replace(',', '.')));
      if (rates.some((r) => !Number.isFinite(r) || r < 0 || r > 100)) {
        c.addIssue({ code: 'custom', message: 'vat_rates_format' });
        return z.NEVER;
      }
      return rates.map((r) => Math.round(r * 100));
    }),
  answerMinutes: z.coerce.number().int().min(5).max(10_080),
  removeLogo: z.literal('1').optional(),
});

const invoiceSchema = z.object({
  legalName: z.string().max(INVOICE_LIMITS.legalName + 20),
  'address.street': z.string().max(ADDRESS_LIMITS.street + 20),
  'address.number': z.string().max(ADDRESS_LIMITS.number + 20),
  'address.postcode': z.string().max(ADDRESS_LIMITS.postcode + 20),
  'address.city': z.string().max(ADDRESS_LIMITS.city + 20),
  'address.country': z.string().max(2).default('NL'),
  registrationNumber: z.string().max(INVOICE_LIMITS.registrationNumber + 20),
  vatNumber: z.string().max(40),
  iban: z.string().max(60),
  paymentTermDays: z.coerce.number().int().min(0).max(INVOICE_LIMITS.paymentTermDays),
  paymentLink: z
    .string()
    .max(INVOICE_LIMITS.paymentLink + 20)
    .default(''),
});

const keySchema = z.object({ label: z.string().trim().min(1).max(80), scope: z.enum(['read', 'write']) });

const endpointSchema = z.object({
  url: z.string().trim().min(1).max(2000),
  description: z.string().trim().max(LIMITS.title),
  eventTypes: z.string().max(1000),
});

const insightsSchema = z.object({
  hourlyRate: z
    .string()
    .trim()
    .regex(/^\d{1,6}([.,]\d{1,2})?$/, 'number_expected')
    .transform((v) => Math.round(Number(v.replace(',', '.')) * 100)),
  showPromiseRecord: z.literal('1').optional(),
  ...Object.fromEntries(
    (['tracker', 'phone', 'desk', 'email'] as const).map((channel) => [
      `minutes.${channel}`,
      z
        .string()
        .trim()
        .regex(/^\d{1,4}$/, 'effort_minutes_range')
        .transform(Number)
        .optional(),
    ]),
  ),
});

/** The settings page's forms, one handler per `_action`; each calls one service. */
export function settingsActions(ctx: Ctx, t: ConsoleMessages): Record<string, Handler> {
  return {
    settings: async (form) => {
      const input = parseForm(settingsSchema, form, t);
      const [logo] = await uploadedFiles(form, 'logo');
      const logoId = logo
        ? (await storeImage(ctx, 'logo', logo, 'logo')).id
        : input.removeLogo
          ? null
          : undefined;
      await updateOrganisation(ctx, {
        name: input.name,
        brandColor: input.brandColor,
        defaultLocale: input.defaultLocale,
        timeZone: input.timeZone,
        currency: input.currency,
        vatRatesBp: input.vatRates,
        answerMinutes: input.answerMinutes,
        ...(logoId !== undefined ? { logoId } : {}),
      });
      return undefined;
    },
    invoiceDetails: async (form) => {
      const input = parseForm(invoiceSchema, form, t);
      await setInvoiceDetails(ctx, {
        legalName: input.legalName,
        address: {
          street: input['address.street'],
          number: input['address.number'],
          postcode: input['address.postcode'],
          city: input['address.city'],
          country: input['address.country'],
        },
        registrationNumber: input.registrationNumber,
        vatNumber: input.vatNumber,
        iban: input.iban,
        paymentTermDays: input.paymentTermDays,
        paymentLink: input.paymentLink,
      });
      return undefined;
    },
    createKey: async (form) => {
      const input = parseForm(keySchema, form, t);
      return { show: await issueApiKey(ctx, input.label, input.scope) };
    },
    addEndpoint: async (form) => {
      const input = parseForm(endpointSchema, form, t);
      const id = await createEndpoint(ctx, { ...input, eventTypes: input.eventTypes.split(',') });
      return { redirect: `/console/webhooks/${id}?done=addEndpoint` };
    },
    insights: async (form) => {
      const input = parseForm(insightsSchema, form, t);
      const minutes = input as unknown as Record<string, number | undefined>;
      const channels = ['tracker', 'phone', 'desk', 'email'] as const;
      await updateInsightSettings(ctx, {
        hourlyRateCents: input.hourlyRate,
        showPromiseRecord: !!input.showPromiseRecord,
        // All four or none (an older form without them keeps the saved ones).
        ...(channels.every((c) => minutes[`minutes.${c}`] !== undefined)
          ? {
              questionMinutes: Object.fromEntries(
                channels.map((c) => [c, minutes[`minutes.${c}`] as number]),
              ) as Record<(typeof channels)[number], number>,
            }
          : {}),
      });
      return undefined;
    },
    revokeKey: async (form) => {
      await revokeApiKey(ctx, parseForm(z.object({ keyId: z.string().min(1).max(64) }), form, t).keyId);
      return undefined;
    },
  };
}

/** What the settings page shows: the organisation, its API keys and its webhook endpoints (read together). */
export async function loadSettings(ctx: Ctx) {
  const [org, keys, endpoints] = await Promise.all([
    getOrganisation(ctx),
    listApiKeys(ctx),
    listEndpoints(ctx),
  ]);
  return { org, keys, endpoints };
}
