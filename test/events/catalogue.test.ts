import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { events } from '../../db/schema';
import { ANNOUNCEMENTS, announcementOf } from '../../src/events/announce';
import { EVENT_TYPES, EVENTS, EventRefused, readEvent } from '../../src/events/catalogue';
import { messages } from '../../src/i18n/messages';
import { createJob } from '../../src/services/jobs/create-job';
import { getJob } from '../../src/services/jobs/read-job';
import { inTransaction } from '../../src/services/platform/context';
import { appendEvent } from '../../src/services/platform/events';
import { makeOrganisation, sampleJob, testRuntime } from '../helpers';

const rt = await testRuntime();
const org = await makeOrganisation(rt);

describe('the event catalogue', () => {
  it('refuses to append an event whose payload does not match, and the state change with it', async () => {
    const { jobId } = await createJob(org.ctx, { ...sampleJob(), steps: [{ title: 'Intake' }] });
    const before = await rt.database.db.select().from(events).where(eq(events.jobId, jobId));
    const bad = [
      // a step event without its step
      { jobId, type: 'step.started', payload: { reason: 'x' } },
      // a wrong type inside the payload
      { jobId, type: 'job.completed', payload: { status: 'open' } },
      // a type the catalogue does not know
      { jobId, type: 'step.exploded', payload: {} },
      // a note without a visibility (the catalogue leaves it to the service, so it must be given)
      { jobId, type: 'note.posted', payload: { note: {} } },
    ];
    for (const event of bad) {
      const error = await inTransaction(org.ctx, (tx) =>
        // biome-ignore lint/suspicious/noExplicitAny: deliberately outside the types, as a caller in plain JS would be
        appendEvent(tx, org.ctx, event as any),
      ).catch((e: unknown) => e);
      expect(error, event.type).toBeInstanceOf(EventRefused);
    }
    expect(await rt.database.db.select().from(events).where(eq(events.jobId, jobId))).toEqual(before);
  });

  it('appends a good event with the visibility the catalogue gives it, and reads it back typed', async () => {
    const { jobId } = await createJob(org.ctx, { ...sampleJob(), steps: [{ title: 'Intake' }] });
    await inTransaction(org.ctx, (tx) =>
      appendEvent(tx, org.ctx, { jobId, type: 'job.link_reissued', payload: {} }),
    );
    const rows = await rt.database.db.select().from(events).where(eq(events.jobId, jobId));
    const read = rows.map(readEvent);
    expect(read.map((e) => [e?.type, e?.visibility])).toEqual([
      ['job.created', 'customer'],
      ['job.link_reissued', 'internal'],
    ]);
    const created = read[0];
    if (created?.type !== 'job.created') throw new Error('expected job.created');
    expect(created.payload.steps.map((s) => s.title)).toEqual(['Intake']);
    expect((await getJob(org.ctx, jobId)).steps).toHaveLength(1);
  });

  it('reads a row it does not understand as nothing, rather than guessing', () => {
    const row = {
      id: 1,
      organisationId: 'org',
      jobId: 'job',
      stepId: null,
      visibility: 'customer' as const,
      actorType: 'system' as const,
      actorId: null,
      createdAt: 0,
    };
    expect(readEvent({ ...row, type: 'step.started', payload: { step: { title: 'half' } } })).toBeNull();
    expect(readEvent({ ...row, type: 'something.else', payload: {} })).toBeNull();
  });

  it('gives every customer-visible event an announcement in Dutch and English', () => {
    for (const type of EVENT_TYPES) {
      const rule = ANNOUNCEMENTS[type];
      if (EVENTS[type].visibility === 'internal') {
        expect(rule, type).toBeNull();
        continue;
      }
      expect(rule, type).not.toBeNull();
      for (const locale of ['nl', 'en'] as const) {
        expect(messages[locale].tracker.announce[rule!.say], `${locale} ${type}`).toMatch(/\S/);
      }
    }
    expect(announcementOf('cost_line.added', { costLine: { state: 'awaiting_approval' } })).toEqual({
      say: 'approval',
      push: true,
    });
    expect(announcementOf('cost_line.added', { costLine: { state: 'estimate' } })?.say).toBe('costs');
  });

  it('is the only place event types are named: every type a service appends is in the catalogue', () => {
    // The services, in their folders, and the notify/ modules that were services (push, webhooks).
    const source = ['services', 'notify']
      .flatMap((folder) => {
        const dir = join('src', folder);
        return readdirSync(dir, { recursive: true, encoding: 'utf8' })
          .filter((f) => f.endsWith('.ts'))
          .map((f) => readFileSync(join(dir, f), 'utf8'));
      })
      .join('\n');
    const named = [...source.matchAll(/'([a-z_]+\.[a-z_]+)'/g)]
      .map((m) => m[1] as string)
      .filter((t) => /^(job|step|note|cost_line|question|rating|kudos)\./.test(t));
    expect(named.length).toBeGreaterThan(10);
    for (const type of named) expect(EVENT_TYPES, type).toContain(type);
  });
});
