import { describe, expect, it } from 'vitest';
import { DEMO_PASSWORD, seedIfEmpty } from '../../src/demo/seed';
import { contextFor } from '../../src/runtime';
import { listJobs } from '../../src/services/jobs/read-job';
import { currentStaff, signIn } from '../../src/services/staff/session';
import { getTrackerView } from '../../src/services/tracker/tracker';
import { testRuntime } from '../helpers';

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

    const statuses = new Set<string>();
    for (const org of report?.organisations ?? []) {
      expect(org.apiKey).toMatch(/^ok_live_/);
      for (const tracker of org.trackers) {
        const view = await getTrackerView(rt.database.db, tracker.url.split('/t/')[1] ?? '');
        expect(view?.job.reference).toBe(tracker.reference);
        for (const step of view?.steps ?? []) statuses.add(step.status);
        statuses.add(`job:${view?.job.status}`);
      }
    }
    expect([...statuses].sort()).toEqual(
      expect.arrayContaining(['active', 'done', 'pending', 'skipped', 'job:done', 'job:open']),
    );
    const garage = report?.organisations[0];
    const all = await listJobs(
      contextFor(
        rt,
        (await rt.database.client.execute("select id from organisations where slug='garage-van-dijk'"))
          .rows[0]?.id as string,
        { type: 'system', id: null },
      ),
      { limit: 10 },
    );
    expect(all.jobs).toHaveLength(garage?.trackers.length ?? -1);

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
