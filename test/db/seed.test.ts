import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import {
  consultOffers,
  invoices,
  jobs,
  media,
  notes,
  organisations,
  roles,
  specialists,
  steps,
  workflowSteps,
} from '../../db/schema';
import { DEMO_PASSWORD, seedIfEmpty } from '../../src/demo/seed';
import { contextFor } from '../../src/runtime';
import { calendarFor } from '../../src/services/calendar/calendars';
import { isOpen } from '../../src/services/calendar/working-time';
import { listJobs } from '../../src/services/jobs/read-job';
import { currentStaff, signIn } from '../../src/services/staff/session';
import { getTrackerView } from '../../src/services/tracker/tracker';
import { fakeClock, testRuntime } from '../helpers';

describe('demo data', () => {
  it('seeds three organisations once, with jobs at different stages that open as trackers', async () => {
    const rt = await testRuntime();
    const report = await seedIfEmpty({ db: rt.database.db, clock: rt.clock }, 'http://demo.test');
    expect(report?.organisations.map((o) => o.slug)).toEqual([
      'garage-van-dijk',
      'bakker-de-wit',
      'snel-bezorgd',
    ]);
    expect(await seedIfEmpty({ db: rt.database.db, clock: rt.clock }, 'http://demo.test')).toBeNull();
    // The notary offers paid expert time, answered by a notary (docs/decisions/consults.md).
    const [offer] = await rt.database.db
      .select({ title: consultOffers.titleEn, price: consultOffers.priceCents, role: roles.name })
      .from(consultOffers)
      .innerJoin(roles, eq(roles.id, consultOffers.roleId));
    expect(offer).toEqual({ title: '15 minutes with the notary', price: 2500, role: 'Notaris' });

    const statuses = new Set<string>();
    for (const org of report?.organisations ?? []) {
      expect(org.apiKey).toMatch(/^ok_live_/);
      // Published answers on an open tracker of each organisation, in Dutch and English.
      const withAnswers = [];
      for (const tracker of org.trackers) {
        const view = await getTrackerView(rt.database.db, tracker.url.split('/t/')[1] ?? '');
        if (view?.answers.length) withAnswers.push(view);
        const first = view?.answers[0];
        if (first) {
          expect(first.checkedBy, org.slug).not.toBeNull();
          expect(first.translations.en?.question, org.slug).toMatch(/\?$/);
        }
        expect(view?.job.reference).toBe(tracker.reference);
        for (const step of view?.steps ?? []) statuses.add(step.status);
        statuses.add(`job:${view?.job.status}`);
      }
      expect(withAnswers.length, `${org.slug} trackers with answers`).toBeGreaterThan(0);
    }
    expect([...statuses].sort()).toEqual(
      expect.arrayContaining(['active', 'done', 'pending', 'skipped', 'job:done', 'job:open']),
    );
    const garage = report?.organisations[0];
    const all = await listJobs(
      contextFor(
        rt,
        (
          await rt.database.db.select().from(organisations).where(eq(organisations.slug, 'garage-van-dijk'))
        )[0]?.id as string,
        { type: 'system', id: null },
      ),
      { limit: 10 },
    );
    expect(all.jobs).toHaveLength(garage?.trackers.length ?? -1);

    // The garage's finished job has its invoice, with a payment link, on the tracker and as a PDF.
    const finished = garage?.trackers.find((t) => t.reference === 'WO-2026-0143');
    const view = await getTrackerView(rt.database.db, finished?.url.split('/t/')[1] ?? '');
    expect(view?.job.status).toBe('done');
    expect(view?.invoices).toEqual([expect.objectContaining({ kind: 'invoice', credited: false })]);
    expect(view?.invoices[0]?.grossCents).toBe(view?.totals.grossCents);
    expect(view?.invoices[0]?.paymentUrl).toMatch(/^https:\/\/.*bedrag=\d+\.\d{2}&kenmerk=\d{4}-\d{4}$/);
    const [invoice] = await rt.database.db
      .select()
      .from(invoices)
      .where(eq(invoices.jobId, view?.job.id ?? ''));
    expect(invoice?.pdf.subarray(0, 5).toString()).toBe('%PDF-');

    // Every demo specialist can sign in to the console with the demo password.
    const admin = garage?.staff.find((s) => s.permission === 'admin');
    expect(admin?.email).toBe('kees@garage-van-dijk.example');
    const signed = await signIn(
      rt.auth,
      { email: admin?.email ?? '', password: DEMO_PASSWORD },
      { ip: '192.0.2.1', userAgent: 'vitest' },
    );
    const found = await currentStaff(
      rt.database.db,
      rt.auth,
      new Headers({ cookie: signed.cookies.map((c) => c.split(';')[0]).join('; ') }),
    );
    expect(found?.staff).toMatchObject({ isAdmin: true, organisation: { slug: 'garage-van-dijk' } });
  });
});

describe('demo data a business recognises', () => {
  // A Sunday night and a Wednesday morning: wherever the clock stands, the history lies in working hours.
  for (const at of ['2026-11-29T03:00:00+01:00', '2026-11-25T10:15:00+01:00']) {
    it(`keeps every time inside the opening hours, seeded at ${at}`, async () => {
      const clock = fakeClock(Date.parse(at));
      const rt = await testRuntime({ clock });
      const report = await seedIfEmpty({ db: rt.database.db, clock }, 'http://demo.test');
      const db = rt.database.db;
      const outside: string[] = [];
      for (const org of report?.organisations ?? []) {
        for (const tracker of org.trackers) {
          const view = await getTrackerView(db, tracker.url.split('/t/')[1] ?? '');
          if (!view) throw new Error('no view');
          const [job] = await db.select().from(jobs).where(eq(jobs.id, view.job.id));
          const calendar = await calendarFor(db, job?.organisationId ?? '', job?.workflowId ?? null);
          // Inside the hours, or exactly at closing time (a step that takes the day's last minutes).
          const check = (what: string, ms: number | null) => {
            if (ms != null && !isOpen(calendar, ms) && !isOpen(calendar, ms - 60_000))
              outside.push(`${tracker.reference} ${what} ${new Date(ms).toISOString()}`);
          };
          check('created', view.job.createdAt);
          for (const s of view.steps) {
            check(`${s.title} promised`, s.promisedAt);
            check(`${s.title} started`, s.startedAt);
            check(`${s.title} done`, s.doneAt);
          }
          for (const n of view.notes) check('note', n.createdAt);
          for (const q of view.questions) check('question due', q.dueAt);
        }
      }
      expect(outside).toEqual([]);
    });
  }

  it('is complete in Dutch and English, and some notes carry photos', async () => {
    const rt = await testRuntime();
    await seedIfEmpty({ db: rt.database.db, clock: rt.clock }, 'http://demo.test');
    const db = rt.database.db;
    const people = await db.select().from(specialists);
    for (const p of people) {
      expect(p.translations.en?.role, p.name).toBeTruthy();
      if (p.bio) expect(p.translations.en?.bio, p.name).toBeTruthy();
    }
    for (const s of await db.select().from(workflowSteps)) {
      expect(s.translations.en?.title, s.title).toBeTruthy();
      if (s.description) expect(s.translations.en?.description, s.title).toBeTruthy();
    }
    for (const s of await db.select().from(steps)) expect(s.translations.en?.title, s.title).toBeTruthy();
    const withPhotos = (await db.select().from(notes)).filter((n) => n.photos.length > 0);
    expect(withPhotos.length).toBeGreaterThanOrEqual(3);
    const [photo] = await db
      .select()
      .from(media)
      .where(eq(media.id, withPhotos[0]?.photos[0]?.id ?? ''));
    expect(photo).toMatchObject({ contentType: 'image/webp' });
    expect(photo?.bytes.byteLength).toBeGreaterThan(5_000);
  });
});
