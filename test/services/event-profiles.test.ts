import { asc, eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { events, specialists } from '../../db/schema';
import { nextEvents } from '../../src/notify/log-cursor';
import { createJob } from '../../src/services/jobs/create-job';
import { getJobEvents } from '../../src/services/jobs/read-job';
import { withProfiles } from '../../src/services/platform/events';
import { customerEventsSince } from '../../src/services/tracker/tracker';
import { makeOrganisation, sampleJob, testRuntime } from '../helpers';

type Snap = { assignee: Record<string, unknown> | null };

describe('assignee profiles in the event log', () => {
  it('are stored as an id and given back, as the specialist is now, to every reader', async () => {
    const rt = await testRuntime();
    const org = await makeOrganisation(rt);
    const { db } = rt.database;
    const { jobId } = await createJob(org.ctx, {
      ...sampleJob(),
      steps: [
        { title: 'Intake', assigneeId: org.mechanic.id },
        { title: 'Keuring', assigneeId: org.inspector.id },
      ],
    });
    const [stored] = await db.select().from(events).where(eq(events.jobId, jobId)).orderBy(asc(events.id));
    if (!stored) throw new Error('no event');
    const storedSteps = stored.payload.steps as Snap[];
    expect(storedSteps.map((s) => s.assignee)).toEqual([{ id: org.mechanic.id }, { id: org.inspector.id }]);

    // The API's log, the stream's backlog and the cursors (webhooks, mail, push) read the profile.
    await db
      .update(specialists)
      .set({ bio: 'Nu ook elektrisch.' })
      .where(eq(specialists.id, org.mechanic.id));
    const api = (await getJobEvents(org.ctx, jobId, { limit: 10 })).events[0];
    const backlog = (await customerEventsSince(db, jobId, 0))[0];
    for (const row of [api, backlog]) {
      const [first, second] = (row?.payload.steps ?? []) as Snap[];
      expect(first?.assignee).toMatchObject({
        id: org.mechanic.id,
        name: 'Jan de Boer',
        initials: 'JB',
        role: 'Monteur',
        bio: 'Nu ook elektrisch.',
      });
      expect(second?.assignee).toMatchObject({ name: 'Fatima El Amrani', bio: 'Keurt sinds 2015.' });
    }
    const next = await nextEvents(db, 'profiles-test', rt.clock.now(), 10);
    expect(next).toBeNull(); // the first call places the cursor at the end of the log
    await createJob(org.ctx, { ...sampleJob(), steps: [{ title: 'Intake', assigneeId: org.mechanic.id }] });
    const read = await nextEvents(db, 'profiles-test', rt.clock.now(), 10);
    expect(((read?.rows[0]?.payload.steps ?? []) as Snap[])[0]?.assignee).toMatchObject({
      name: 'Jan de Boer',
    });
  });

  it('keeps what events logged with a whole profile said', async () => {
    const rt = await testRuntime();
    const { db } = rt.database;
    const old = {
      id: 1,
      organisationId: 'org_x',
      jobId: 'job_x',
      stepId: 'step_x',
      type: 'step.started',
      visibility: 'customer' as const,
      actorType: 'system' as const,
      actorId: null,
      createdAt: 0,
      payload: { step: { id: 'step_x', assignee: { id: 'spec_x', name: 'Piet', bio: 'Toen.' } } },
    };
    expect(await withProfiles(db, [old])).toEqual([old]);
  });
});
