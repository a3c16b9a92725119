import { and, asc, eq } from 'drizzle-orm';
import { type ConsultOffer, consultOffers, roles, workflows } from '../../../db/schema';
import { type Ctx, type Db, inTransaction } from '../platform/context';
import { invalid, notFound } from '../platform/errors';
import { newId } from '../platform/ids';
import { authorize } from '../staff/permissions';

/**
 * Consult offers (docs/decisions/consults.md): paid expert time a customer can choose instead of the
 * free question. Admins (and API keys) keep them, as they keep workflows (`workflow:manage`).
 */
export type { ConsultOffer };

export type ConsultOfferInput = {
  workflowId: string;
  roleId?: string | null;
  titleNl: string;
  titleEn: string;
  minutes: number;
  priceCents: number;
  vatRateBp: number;
};

export const OFFER_LIMITS = {
  title: 120,
  minutes: [5, 480],
  priceCents: [1, 10_000_000],
  vatRateBp: [0, 10_000],
} as const;

function clean(input: ConsultOfferInput): ConsultOfferInput {
  const title = (field: 'titleNl' | 'titleEn') => {
    const v = (input[field] ?? '').trim();
    if (!v) throw invalid(field, 'required');
    if (v.length > OFFER_LIMITS.title) throw invalid(field, 'too_long', { max: OFFER_LIMITS.title });
    return v;
  };
  const whole = (field: 'minutes' | 'priceCents' | 'vatRateBp') => {
    const v = input[field];
    const [min, max] = OFFER_LIMITS[field];
    if (!Number.isInteger(v) || v < min || v > max) throw invalid(field, 'out_of_range', { min, max });
    return v;
  };
  return {
    workflowId: input.workflowId,
    roleId: input.roleId || null,
    titleNl: title('titleNl'),
    titleEn: title('titleEn'),
    minutes: whole('minutes'),
    priceCents: whole('priceCents'),
    vatRateBp: whole('vatRateBp'),
  };
}

async function checkReferences(tx: Db, ctx: Ctx, input: ConsultOfferInput) {
  const [wf] = await tx
    .select({ id: workflows.id })
    .from(workflows)
    .where(and(eq(workflows.id, input.workflowId ?? ''), eq(workflows.organisationId, ctx.organisationId)));
  if (!wf) throw notFound('workflow');
  if (input.roleId) {
    const [role] = await tx
      .select({ id: roles.id })
      .from(roles)
      .where(and(eq(roles.id, input.roleId), eq(roles.organisationId, ctx.organisationId)));
    if (!role) throw notFound('role');
  }
}

export async function listConsultOffers(ctx: Ctx, workflowId?: string): Promise<ConsultOffer[]> {
  const where = workflowId
    ? and(eq(consultOffers.organisationId, ctx.organisationId), eq(consultOffers.workflowId, workflowId))
    : eq(consultOffers.organisationId, ctx.organisationId);
  return ctx.db
    .select()
    .from(consultOffers)
    .where(where)
    .orderBy(asc(consultOffers.createdAt), asc(consultOffers.id));
}

async function byId(db: Db, ctx: Ctx, id: string): Promise<ConsultOffer> {
  const [found] = await db
    .select()
    .from(consultOffers)
    .where(and(eq(consultOffers.id, id), eq(consultOffers.organisationId, ctx.organisationId)));
  if (!found) throw notFound('consult offer');
  return found;
}

export const getConsultOffer = (ctx: Ctx, id: string) => byId(ctx.db, ctx, id);

export async function createConsultOffer(ctx: Ctx, input: ConsultOfferInput): Promise<ConsultOffer> {
  return inTransaction(ctx, async (tx) => {
    await authorize(tx, ctx, 'workflow:manage');
    const fields = clean(input);
    await checkReferences(tx, ctx, fields);
    const row: ConsultOffer = {
      id: newId('consult'),
      organisationId: ctx.organisationId,
      roleId: fields.roleId ?? null,
      workflowId: fields.workflowId,
      titleNl: fields.titleNl,
      titleEn: fields.titleEn,
      minutes: fields.minutes,
      priceCents: fields.priceCents,
      vatRateBp: fields.vatRateBp,
      createdAt: ctx.clock.now(),
    };
    await tx.insert(consultOffers).values(row);
    return row;
  });
}

export async function updateConsultOffer(
  ctx: Ctx,
  id: string,
  input: ConsultOfferInput,
): Promise<ConsultOffer> {
  return inTransaction(ctx, async (tx) => {
    await authorize(tx, ctx, 'workflow:manage');
    const existing = await byId(tx, ctx, id);
    const fields = clean(input);
    await checkReferences(tx, ctx, fields);
    const row = { ...existing, ...fields, roleId: fields.roleId ?? null };
    await tx
      .update(consultOffers)
      .set({
        workflowId: row.workflowId,
        roleId: row.roleId,
        titleNl: row.titleNl,
        titleEn: row.titleEn,
        minutes: row.minutes,
        priceCents: row.priceCents,
        vatRateBp: row.vatRateBp,
      })
      .where(eq(consultOffers.id, id));
    return row;
  });
}

export async function deleteConsultOffer(ctx: Ctx, id: string): Promise<void> {
  await inTransaction(ctx, async (tx) => {
    await authorize(tx, ctx, 'workflow:manage');
    await byId(tx, ctx, id);
    await tx.delete(consultOffers).where(eq(consultOffers.id, id));
  });
}
