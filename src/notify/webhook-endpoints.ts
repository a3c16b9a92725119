import { and, desc, eq } from 'drizzle-orm';
import { deliveries, webhookEndpoints } from '../../db/schema';
import { EVENT_TYPES, isEventType } from '../events/catalogue';
import type { Ctx } from '../services/platform/context';
import { invalid, notFound } from '../services/platform/errors';
import { newId } from '../services/platform/ids';
import { authorize } from '../services/staff/permissions';
import { newWebhookSecret } from './webhooks';

/** An endpoint asks for event types of the catalogue, or a whole family of them (`step.*`). */
const FAMILIES = new Set(EVENT_TYPES.map((t) => `${t.split('.')[0]}.*`));
const knownPattern = (t: string) => isEventType(t) || FAMILIES.has(t);

export type EndpointInput = { url: string; description: string; eventTypes: string[] };

/** A business's webhook endpoint; admins only. The secret is shown to admins to verify signatures. */
export async function createEndpoint(ctx: Ctx, input: EndpointInput) {
  await authorize(ctx.db, ctx, 'webhook:manage');
  let url: URL;
  try {
    url = new URL(input.url.trim());
  } catch {
    throw invalid('url', 'webhook_url');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw invalid('url', 'webhook_protocol');
  if (url.username || url.password) throw invalid('url', 'webhook_password');
  const eventTypes = [...new Set(input.eventTypes.map((t) => t.trim()).filter(Boolean))];
  const wrong = eventTypes.find((t) => !knownPattern(t));
  if (wrong) throw invalid('eventTypes', 'webhook_event_types');
  const id = newId('whe');
  await ctx.db.insert(webhookEndpoints).values({
    id,
    organisationId: ctx.organisationId,
    url: url.toString(),
    description: input.description.trim(),
    secret: newWebhookSecret(),
    eventTypes,
    createdAt: ctx.clock.now(),
  });
  return id;
}

export async function listEndpoints(ctx: Ctx) {
  await authorize(ctx.db, ctx, 'webhook:manage');
  return ctx.db
    .select()
    .from(webhookEndpoints)
    .where(eq(webhookEndpoints.organisationId, ctx.organisationId))
    .orderBy(desc(webhookEndpoints.createdAt));
}

async function ownEndpoint(ctx: Ctx, endpointId: string) {
  await authorize(ctx.db, ctx, 'webhook:manage');
  const [found] = await ctx.db
    .select()
    .from(webhookEndpoints)
    .where(and(eq(webhookEndpoints.id, endpointId), eq(webhookEndpoints.organisationId, ctx.organisationId)));
  if (!found) throw notFound('webhook endpoint');
  return found;
}

/** Turns an endpoint off or on again (after a 410, or by hand). */
export async function setEndpointEnabled(ctx: Ctx, endpointId: string, enabled: boolean) {
  const endpoint = await ownEndpoint(ctx, endpointId);
  await ctx.db
    .update(webhookEndpoints)
    .set(
      enabled
        ? { disabledAt: null, disabledReason: null }
        : { disabledAt: ctx.clock.now(), disabledReason: 'Turned off by an admin.' },
    )
    .where(eq(webhookEndpoints.id, endpoint.id));
}

/** The delivery log of one endpoint, newest first. */
export async function endpointDeliveries(ctx: Ctx, endpointId: string) {
  const endpoint = await ownEndpoint(ctx, endpointId);
  const rows = await ctx.db
    .select()
    .from(deliveries)
    .where(eq(deliveries.endpointId, endpoint.id))
    .orderBy(desc(deliveries.createdAt), desc(deliveries.eventId))
    .limit(100);
  return { endpoint, deliveries: rows };
}

/** Sends a failed message again, now. */
export async function retryDelivery(ctx: Ctx, deliveryId: string) {
  await authorize(ctx.db, ctx, 'webhook:manage');
  const result = await ctx.db
    .update(deliveries)
    .set({ status: 'pending', nextAttemptAt: ctx.clock.now(), lockedUntil: null })
    .where(and(eq(deliveries.id, deliveryId), eq(deliveries.organisationId, ctx.organisationId)))
    .returning({ id: deliveries.id });
  if (result.length === 0) throw notFound('delivery');
}
