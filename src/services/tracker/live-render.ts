import { eq } from 'drizzle-orm';
import { createComponent, type JSX } from 'solid-js';
import { NoHydration, renderToString } from 'solid-js/web';
import { jobs, organisations } from '../../../db/schema';
import ReadyAt from '../../components/ReadyAt';
import type { AskForm } from '../../components/StepQuestions';
import TrackerBody from '../../components/TrackerBody';
import { messages } from '../../i18n/messages';
import type { Renderer } from '../../live/hub';
import { answeringStep } from '../customer-voice/questions';
import type { Db } from '../platform/context';
import { type Locale, localizeView, type TrackerView, trackerViewOf } from './tracker';
import type { Regions } from './view-cache';

/**
 * The tracker's "ask the expert" form for a view. What a viewer just did (asked, or a refused question)
 * is theirs: the page passes it, a live render (shared by every viewer) passes none.
 */
export function askFormOf(
  view: TrackerView,
  own: Pick<AskForm, 'askedAt' | 'continuedAt' | 'failed' | 'found' | 'answeredAt' | 'consultedAt'> = {
    askedAt: null,
    continuedAt: null,
    failed: null,
  },
): AskForm | undefined {
  if (view.job.status !== 'open') return undefined;
  const steps = view.steps.map((s) => ({ ...s, assigneeId: s.assignee?.id ?? null }));
  return {
    answererFor: (stepId) => answeringStep(steps, stepId)?.assignee ?? null,
    answerMinutes: view.organisation.answerMinutes,
    offerFor: (stepId) => view.consultOffers[stepId] ?? null,
    ...own,
  };
}

/** Live renders made by this process: tests read it off the wire to prove one render per event and language. */
let renders = 0;

/**
 * A server-only render, as Astro's Solid renderer makes it for a component without `client:*`: no
 * hydration keys, so the page and a live frame carry the same bytes for the same region.
 */
const serverOnly = (component: () => JSX.Element) =>
  renderToString(() =>
    createComponent(NoHydration, {
      get children() {
        return component();
      },
    }),
  );

/**
 * The tracker's live regions (`data-live-region`: the headline and the body) for one language, as the
 * page renders them, without what belongs to one viewer (a just-sent form's confirmation or error):
 * sent in live frames, and kept and reused by the page (view-cache.ts) for requests without their own.
 */
export function renderRegions(view: TrackerView, locale: Locale, now: number): Regions {
  const localized = localizeView(view, locale);
  const t = messages[locale].tracker;
  const formatting = { locale, timeZone: view.organisation.timeZone, currency: view.organisation.currency };
  const headline = serverOnly(() =>
    createComponent(ReadyAt, {
      steps: localized.steps,
      status: localized.job.status,
      cancelReason: localized.job.cancelReason,
      messages: t,
      formatting,
      now,
    }),
  );
  const tracker = serverOnly(() =>
    createComponent(TrackerBody, {
      view: localized,
      messages: t,
      formatting,
      now,
      ask: askFormOf(localized),
      organisationName: localized.organisation.name,
      decide: localized.job.status === 'open',
      rate: { retry: null },
    }),
  );
  return { headline, tracker };
}

/**
 * The hub's renderer for tracker viewers: reads the job once (the queries a page view makes) and renders
 * its regions once per language asked for, whatever the number of viewers.
 */
export function trackerRenderer(db: Db, now: () => number): Renderer {
  return async (jobId, locales) => {
    const out = new Map<Locale, Record<string, unknown>>();
    const [found] = await db
      .select({ job: jobs, organisation: organisations })
      .from(jobs)
      .innerJoin(organisations, eq(organisations.id, jobs.organisationId))
      .where(eq(jobs.id, jobId));
    if (!found) return out;
    const at = now();
    const view = await trackerViewOf(db, found, at);
    for (const locale of locales)
      out.set(locale, { regions: renderRegions(view, locale, at), render: ++renders });
    return out;
  };
}
