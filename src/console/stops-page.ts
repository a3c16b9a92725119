import { z } from 'zod';
import type { ConsoleMessages } from '../i18n/console';
import { getCalendar } from '../services/calendar/calendars';
import type { Ctx } from '../services/platform/context';
import { ServiceError } from '../services/platform/errors';
import { dayPlan, isoDateOf } from '../services/slots/day-plan';
import { deliverStop, signatureBytes } from '../services/slots/deliver';
import { moveStop, placeOf, type RouteStop, routeName, routeStops } from '../services/slots/route';
import { changeStepStatus } from '../services/steps/change-step-status';
import { type Handler, parseForm, uploadedFiles } from './page';

/**
 * The driver's phone page (src/pages/console/stops.astro): one route's stops of one day, in order, each
 * with its address, a map link, the one-tap "done", proof of delivery and moving it earlier or later.
 * Plain forms; the signature pad is the only script (docs/decisions/delivery-day.md).
 */
export type StopsPage = {
  key: string;
  name: string;
  date: string;
  today: string;
  stops: (RouteStop & { number: number; stopsBefore: number | null })[];
  /** The other routes with stops on this day (the capacities of the day plan), and the viewer's own. */
  routes: { key: string; name: string; count: number }[];
};

export async function loadStopsPage(ctx: Ctx, me: string, url: URL): Promise<StopsPage | null> {
  const calendar = await getCalendar(ctx);
  const today = isoDateOf(calendar.timeZone, ctx.clock.now());
  const date = url.searchParams.get('date') || today;
  const key = url.searchParams.get('route') || `specialist:${me}`;
  let name: string;
  try {
    name = await routeName(ctx.db, ctx, key);
  } catch (error) {
    if (error instanceof ServiceError && (error.kind === 'not_found' || error.kind === 'invalid'))
      return null;
    throw error;
  }
  const [stops, plan] = await Promise.all([routeStops(ctx.db, ctx, key, date), dayPlan(ctx, date)]);
  const mine = `specialist:${me}`;
  const routes = plan.groups.map((g) => ({
    key: g.key,
    name: g.name,
    count: g.slots.reduce((n, s) => n + s.stops.length, 0),
  }));
  if (key !== mine) routes.unshift({ key: mine, name: '', count: -1 });
  return {
    key,
    name,
    date,
    today,
    stops: stops.map((stop, i) => ({
      ...stop,
      number: i + 1,
      stopsBefore: placeOf(stops, i)?.stopsBefore ?? null,
    })),
    routes,
  };
}

const RouteFields = z.object({
  route: z.string().min(1).max(200),
  date: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'bad_format'),
});
const StopFields = RouteFields.extend({
  jobId: z.string().min(1).max(64),
  stepId: z.string().min(1).max(64),
});

const back = (route: string, date: string, done: string, anchor: string) => ({
  redirect: `/console/stops?${new URLSearchParams({ route, date, done })}#${anchor}`,
});

/** The page's forms: delivered (with proof), done (one tap), earlier / later. */
export function stopActions(ctx: Ctx, t: ConsoleMessages): Record<string, Handler> {
  return {
    deliver: async (form) => {
      const input = parseForm(
        StopFields.extend({
          recipientName: z.string().max(120),
          signature: z.string().max(400_000).default(''),
        }),
        form,
        t,
      );
      const [photo] = await uploadedFiles(form, 'photo');
      await deliverStop(ctx, input.jobId, input.stepId, {
        recipientName: input.recipientName,
        signature: signatureBytes('signature', input.signature),
        photo: photo ?? null,
      });
      return back(input.route, input.date, 'deliver', `stop-${input.stepId}`);
    },
    done: async (form) => {
      const input = parseForm(StopFields, form, t);
      await changeStepStatus(ctx, input.jobId, input.stepId, 'finish');
      return back(input.route, input.date, 'done', `stop-${input.stepId}`);
    },
    reorder: async (form) => {
      const input = parseForm(
        RouteFields.extend({ stop: z.string().min(1).max(64), direction: z.enum(['up', 'down']) }),
        form,
        t,
      );
      await moveStop(ctx, input.route, input.date, input.stop, input.direction);
      return back(input.route, input.date, 'reorder', `stops`);
    },
  };
}
