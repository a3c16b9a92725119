import { z } from 'zod';
import {
  createConsultOffer,
  deleteConsultOffer,
  getConsultOffer,
  OFFER_LIMITS,
  updateConsultOffer,
} from '../services/consults/offers';
import type { Ctx } from '../services/platform/context';
import { notFound } from '../services/platform/errors';
import { LIMITS } from '../services/platform/limits';
import { decimal } from './job-forms';
import { type ConsolePage, type Handler, parseForm } from './page';

/**
 * The page that keeps one workflow's paid consult offers (src/pages/console/workflows/[id]/consults.astro,
 * docs/decisions/consults.md): add, change, stop offering. Plain forms; the service checks that the
 * person is an admin (`workflow:manage`).
 */

const id = z.string().min(1).max(LIMITS.id);
const fields = z.object({
  titleNl: z.string().max(OFFER_LIMITS.title),
  titleEn: z.string().max(OFFER_LIMITS.title),
  roleId: z.string().max(LIMITS.id).default(''),
  minutes: z.coerce.number().int().min(OFFER_LIMITS.minutes[0]).max(OFFER_LIMITS.minutes[1]),
  price: decimal(100, 0.01),
  vatRate: z.coerce.number().int().min(OFFER_LIMITS.vatRateBp[0]).max(OFFER_LIMITS.vatRateBp[1]),
});

const input = (workflowId: string, f: z.output<typeof fields>) => ({
  workflowId,
  roleId: f.roleId || null,
  titleNl: f.titleNl,
  titleEn: f.titleEn,
  minutes: f.minutes,
  priceCents: f.price,
  vatRateBp: f.vatRate,
});

/** Another workflow's offer is not found here, as another organisation's is. */
async function ofWorkflow(ctx: Ctx, offerId: string, workflowId: string) {
  const offer = await getConsultOffer(ctx, offerId);
  if (offer.workflowId !== workflowId) throw notFound('consult offer');
  return offer.id;
}

export function consultActions(
  page: Pick<ConsolePage, 'ctx' | 't'>,
  workflowId: string,
): Record<string, Handler> {
  const { ctx, t } = page;
  return {
    create: async (form) => {
      await createConsultOffer(ctx, input(workflowId, parseForm(fields, form, t)));
      return undefined;
    },
    edit: async (form) => {
      const parsed = parseForm(fields.extend({ offerId: id }), form, t);
      await updateConsultOffer(
        ctx,
        await ofWorkflow(ctx, parsed.offerId, workflowId),
        input(workflowId, parsed),
      );
      return undefined;
    },
    remove: async (form) => {
      const { offerId } = parseForm(z.object({ offerId: id }), form, t);
      await deleteConsultOffer(ctx, await ofWorkflow(ctx, offerId, workflowId));
      return undefined;
    },
  };
}
