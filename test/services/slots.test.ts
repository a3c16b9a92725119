import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { DEFAULT_HOURS, events } from '../../db/schema';
import { contextFor } from '../../src/runtime';
import { type Calendar, slotsBetween, workingDaysBefore } from '../../src/services/calendar/working-time';
import { bookingInsights } from '../../src/services/insights/booking-figures';
import { createJob } from '../../src/services/jobs/create-job';
import { getJob } from '../../src/services/jobs/read-job';
import { createWorkflow, getWorkflow, updateWorkflow } from '../../src/services/organisation/workflows';
import { bookingView, bookSlot, cancelBooking } from '../../src/services/slots/booking';
import { changeStepStatus } from '../../src/services/steps/change-step-status';
import { apiClient, fakeClock, makeOrganisation, refusal, sampleJob, testRuntime } from '../helpers';

/** Bookable steps on a fake clock (issue 18): slots in working time, daylight saving, capacity, cut-off. */
const AMSTERDAM: Calendar = {
  hours: DEFAULT_HOURS,
  closedDates: [],
  holidayCountry: 'NL',
  timeZone: 'Europe/Amsterdam',
};
const at = (iso: string) => Date.parse(iso);
const isoOf = (ms: number) => new Date(ms).toISOString();

describe('slots in working time', () => {
  it('keep their local time across the spring change, and skip weekends and public holidays', () => {
    // Friday 27 March 2026 (CET, +1) to Tuesday 31 March (CEST, +2): the clocks moved on Sunday the 29th.
    const slots = slotsBetween(AMSTERDAM, 120, at('2026-03-27T00:00:00Z'), at('2026-03-31T00:00:00Z'));
    expect(slots.map((s) => isoOf(s.startsAt))).toEqual([
      '2026-03-27T08:00:00.000Z',
      '2026-03-27T10:00:00.000Z',
      '2026-03-27T12:00:00.000Z',
      '2026-03-27T14:00:00.000Z',
      '2026-03-30T07:00:00.000Z',
      '2026-03-30T09:00:00.000Z',
      '2026-03-30T11:00:00.000Z',
      '2026-03-30T13:00:00.000Z',
    ]);
    // 09:00–17:30 holds four two-hour slots; the last half hour is no slot.
    expect(isoOf(slots[3]?.endsAt ?? 0)).toBe('2026-03-27T16:00:00.000Z');
    // King's Day (Monday 27 April) is a public holiday: no slots.
    expect(slotsBetween(AMSTERDAM, 60, at('2026-04-26T22:00:00Z'), at('2026-04-27T22:00:00Z'))).toEqual([]);
    // And the autumn change: 09:00 local is 07:00Z on Friday 23 October, 08:00Z on Monday 26 October.
    const autumn = slotsBetween(AMSTERDAM, 510, at('2026-10-23T00:00:00Z'), at('2026-10-27T00:00:00Z'));
    expect(autumn.map((s) => isoOf(s.startsAt))).toEqual([
      '2026-10-23T07:00:00.000Z',
      '2026-10-26T08:00:00.000Z',
    ]);
  });

  it('may be changed until the start of the given number of working days before', () => {
    // Thursday 2 April 10:00: two working days before is Tuesday 31 March, 00:00 local.
    expect(isoOf(workingDaysBefore(AMSTERDAM, at('2026-04-02T08:00:00Z'), 2))).toBe(
      '2026-03-30T22:00:00.000Z',
    );
    // Tuesday 28 April, one working day before: Monday is King's Day, so Friday 24 April 00:00.
    expect(isoOf(workingDaysBefore(AMSTERDAM, at('2026-04-28T08:00:00Z'), 1))).toBe(
      '2026-04-23T22:00:00.000Z',
    );
    expect(workingDaysBefore(AMSTERDAM, 123, 0)).toBe(123);
  });
});

describe('booking a step', async () => {
  // Monday 23 March 2026, 07:00 in Amsterdam.
  const clock = fakeClock(at('2026-03-23T06:00:00Z'));
  const rt = await testRuntime({ clock });
  const call = apiClient(rt);
  const org = await makeOrganisation(rt, {
    hours: DEFAULT_HOURS,
    closedDates: [],
    holidayCountry: 'NL',
    timeZone: 'Europe/Amsterdam',
  });
  const workflowId = await createWorkflow(org.ctx, {
    name: 'Bezorgen',
    steps: [
      { title: 'Klaarzetten', expectedMinutes: 60 },
      {
        title: 'Bezorgen',
        defaultRole: 'Monteur',
        expectedMinutes: 120,
        booking: { slotMinutes: 120, capacity: 1, horizonDays: 7, cutoffWorkingDays: 1, leadMinutes: 60 },
      },
      { title: 'Aansluiten', expectedMinutes: 60 },
    ],
  });
  const newJob = async () => {
    const { jobId } = await createJob(org.ctx, { ...sampleJob(), workflowId });
    const { steps } = await getJob(org.ctx, jobId);
    return { jobId, stepId: steps[1]?.id ?? '', lastStepId: steps[2]?.id ?? '' };
  };
  const customerOf = () => contextFor(rt, org.id, { type: 'customer', id: null });

  it('offers the free slots after the work before it, books one as the promise, and re-plans what follows', async () => {
    const job = await newJob();
    const view = await bookingView(org.ctx.db, customerOf(), job.jobId, job.stepId);
    // A slot is offered only while it can still be changed (until the working day before): Wednesday 09:00.
    expect(isoOf(view.slots[0]?.startsAt ?? 0)).toBe('2026-03-25T08:00:00.000Z');
    expect(view.slots.every((s) => s.left === 1)).toBe(true);
    expect(view.booked).toBeNull();

    const booked = await bookSlot(customerOf(), job.jobId, job.stepId, at('2026-03-25T12:00:00Z'));
    expect(booked.booked).toMatchObject({
      startsAt: at('2026-03-25T12:00:00Z'),
      endsAt: at('2026-03-25T14:00:00Z'),
    });
    // Changeable until the start of the working day before: Tuesday 00:00.
    expect(isoOf(booked.changeUntil ?? 0)).toBe('2026-03-23T23:00:00.000Z');
    const { steps } = await getJob(org.ctx, job.jobId);
    expect(steps[1]).toMatchObject({
      windowStartsAt: at('2026-03-25T12:00:00Z'),
      promisedAt: at('2026-03-25T14:00:00Z'),
      fixedPromise: true,
    });
    // Connecting takes an hour after the window: 16:00 local.
    expect(isoOf(steps[2]?.promisedAt ?? 0)).toBe('2026-03-25T15:00:00.000Z');
    const logged = await rt.database.db.select().from(events).where(eq(events.jobId, job.jobId));
    expect(logged.map((e) => e.type)).toContain('booking.made');
  });

  it('gives the last place to one customer only, and shows the other the next free slots', async () => {
    const [a, b] = [await newJob(), await newJob()];
    const slot = at('2026-03-25T08:00:00Z');
    await bookSlot(customerOf(), a.jobId, a.stepId, slot);
    const full = await refusal(bookSlot(customerOf(), b.jobId, b.stepId, slot));
    expect([full.kind, full.reason]).toEqual(['conflict', 'slot_full']);
    const offered = (full.details?.slots ?? []) as { startsAt: string }[];
    expect(offered.length).toBeGreaterThan(0);
    expect(offered.some((s) => s.startsAt === isoOf(slot))).toBe(false);
    expect(offered[0]?.startsAt).toBe(isoOf(at('2026-03-25T10:00:00Z')));
    // Moving frees the place at once.
    await bookSlot(customerOf(), a.jobId, a.stepId, at('2026-03-25T10:00:00Z'));
    await bookSlot(customerOf(), b.jobId, b.stepId, slot);
    // Both at the same moment (in one process here; two processes in test/slots/race.test.ts).
    const c = await newJob();
    const d = await newJob();
    const last = at('2026-03-26T08:00:00Z');
    const results = await Promise.allSettled([
      bookSlot(customerOf(), c.jobId, c.stepId, last),
      bookSlot(customerOf(), d.jobId, d.stepId, last),
    ]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
  });

  it('keeps a role-less step’s capacity when the workflow’s steps are reordered or edited', async () => {
    const input = {
      name: 'Ophalen',
      steps: [
        {
          title: 'Ophalen',
          booking: { slotMinutes: 120, capacity: 1, horizonDays: 7, cutoffWorkingDays: 0 },
        },
      ],
    };
    const pickup = await createWorkflow(org.ctx, input);
    const before = await createJob(org.ctx, { ...sampleJob(), workflowId: pickup });
    const saved = (await getWorkflow(org.ctx, pickup)).steps[0];
    // A step goes in front, and the saved one is renamed: it keeps its id.
    await updateWorkflow(org.ctx, pickup, {
      name: 'Ophalen',
      steps: [{ title: 'Afspraak maken' }, { ...input.steps[0], id: saved?.id, title: 'Ophalen bij u' }],
    });
    const after = (await getWorkflow(org.ctx, pickup)).steps;
    expect(after.map((s) => [s.title, s.id === saved?.id])).toEqual([
      ['Afspraak maken', false],
      ['Ophalen bij u', true],
    ]);
    const later = await createJob(org.ctx, { ...sampleJob(), workflowId: pickup });
    const [first, second] = [
      (await getJob(org.ctx, before.jobId)).steps[0]?.id ?? '',
      (await getJob(org.ctx, later.jobId)).steps[1]?.id ?? '',
    ];
    const slot = (await bookingView(org.ctx.db, customerOf(), before.jobId, first)).slots[0]?.startsAt ?? 0;
    await bookSlot(customerOf(), before.jobId, first, slot);
    // The job made after the reorder shares the one place with the job made before it.
    const full = await refusal(bookSlot(customerOf(), later.jobId, second, slot));
    expect(full.reason).toBe('slot_full');
    // An id that is not one of the workflow's saved steps is refused, and nothing changes.
    const refused = await refusal(
      updateWorkflow(org.ctx, pickup, {
        name: 'X',
        steps: [
          { title: 'Y', id: after[0]?.id },
          { title: 'Z', id: 'wfs_elsewhere' },
        ],
      }),
    );
    expect([refused.kind, refused.reason, refused.details?.field]).toEqual([
      'invalid',
      'unknown_step',
      'steps.1.id',
    ]);
    expect((await getWorkflow(org.ctx, pickup)).name).toBe('Ophalen');
  });

  it('lets an admin overbook a full slot, and staff move a booking after the customer’s cut-off', async () => {
    const [a, b] = [await newJob(), await newJob()];
    const full = at('2026-03-26T10:00:00Z');
    await bookSlot(customerOf(), a.jobId, a.stepId, full);
    const staff = contextFor(rt, org.id, { type: 'specialist', id: org.inspector.id });
    const admin = contextFor(rt, org.id, { type: 'specialist', id: org.mechanic.id });
    // Refused: not the specialist's step, and overbooking is for admins anyway.
    expect((await refusal(bookSlot(staff, b.jobId, b.stepId, full, { force: true }))).kind).toBe('forbidden');
    expect((await refusal(bookSlot(admin, b.jobId, b.stepId, full))).reason).toBe('slot_full');
    const forced = await bookSlot(admin, b.jobId, b.stepId, full, { force: true });
    expect(forced.booked?.startsAt).toBe(full);
    // Wednesday 25 March: the customer's cut-off for Thursday's slot has passed; staff may still move it.
    clock.set(at('2026-03-25T10:00:00Z'));
    try {
      expect((await refusal(cancelBooking(customerOf(), a.jobId, a.stepId))).reason).toBe('booking_closed');
      const moved = await bookSlot(admin, a.jobId, a.stepId, at('2026-03-26T12:00:00Z'), {
        reason: 'Een bus minder door ziekte',
      });
      expect(moved.booked?.startsAt).toBe(at('2026-03-26T12:00:00Z'));
    } finally {
      clock.set(at('2026-03-23T06:00:00Z'));
    }
  });

  it('refuses a moment that is no slot, and any change after the cut-off', async () => {
    const job = await newJob();
    const notASlot = await refusal(bookSlot(customerOf(), job.jobId, job.stepId, at('2026-03-27T08:30:00Z')));
    expect([notASlot.code, notASlot.reason, notASlot.field]).toEqual([
      'invalid_input',
      'not_a_slot',
      'startsAt',
    ]);
    await bookSlot(customerOf(), job.jobId, job.stepId, at('2026-03-27T08:00:00Z'));
    // Thursday 26 March: the working day before Friday's slot has begun; the customer can no longer change it.
    clock.set(at('2026-03-26T07:00:00Z'));
    try {
      const late = await refusal(cancelBooking(customerOf(), job.jobId, job.stepId));
      expect(late.reason).toBe('booking_closed');
      expect((await bookingView(org.ctx.db, customerOf(), job.jobId, job.stepId)).open).toBe(false);
    } finally {
      clock.set(at('2026-03-23T06:00:00Z'));
    }
    await cancelBooking(customerOf(), job.jobId, job.stepId);
    const after = await getJob(org.ctx, job.jobId);
    expect(after.steps[1]).toMatchObject({ windowStartsAt: null, fixedPromise: false });
  });

  it('works through the API, in the error shape, for the organisation’s own jobs only', async () => {
    const job = await newJob();
    const path = `/jobs/${job.jobId}/steps/${job.stepId}/booking`;
    const read = await call('GET', path, { key: org.key });
    expect(read.status).toBe(200);
    const first = read.json.slots[0] as { startsAt: string };
    const booked = await call('PUT', path, { key: org.key, body: { startsAt: first.startsAt } });
    expect([booked.status, booked.json.booked?.startsAt]).toEqual([200, first.startsAt]);
    const other = await makeOrganisation(rt);
    expect((await call('GET', path, { key: other.key })).status).toBe(404);
    const plain = await call('GET', `/jobs/${job.jobId}/steps/${job.lastStepId}/booking`, { key: org.key });
    expect([plain.status, plain.json.error?.code]).toEqual([409, 'step_not_bookable']);
    expect((await call('PUT', path, { key: org.key, body: { startsAt: 'tomorrow' } })).status).toBe(422);
    expect((await call('PUT', path, { key: org.readKey, body: { startsAt: first.startsAt } })).status).toBe(
      403,
    );
    // Staff who move or cancel say why.
    const second = read.json.slots[1] as { startsAt: string };
    const silent = await call('PUT', path, { key: org.key, body: { startsAt: second.startsAt } });
    expect([silent.status, silent.json.error?.details?.field]).toEqual([422, 'reason']);
    const moved = await call('PUT', path, {
      key: org.key,
      body: { startsAt: second.startsAt, reason: 'De bus is die ochtend in onderhoud' },
    });
    expect(moved.status).toBe(200);
    const { steps } = await getJob(org.ctx, job.jobId);
    expect(steps[1]?.promiseReason).toBe('De bus is die ochtend in onderhoud');
    expect((await call('DELETE', path, { key: org.key })).status).toBe(422);
    const cancelled = await call('DELETE', `${path}?reason=${encodeURIComponent('Klant belde af')}`, {
      key: org.key,
    });
    expect([cancelled.status, cancelled.json.booked]).toEqual([200, null]);
  });

  it('counts bookings, moves by whom, cancellations, visits inside the window and full slots in insights', async () => {
    const job = await newJob();
    const window = at('2026-03-27T12:00:00Z');
    await bookSlot(customerOf(), job.jobId, job.stepId, window);
    // The delivery is done inside its window: 14:30 local.
    clock.set(at('2026-03-27T13:30:00Z'));
    try {
      const admin = contextFor(rt, org.id, { type: 'specialist', id: org.mechanic.id });
      const { steps } = await getJob(org.ctx, job.jobId);
      await changeStepStatus(admin, job.jobId, steps[0]?.id ?? '', 'finish');
      await changeStepStatus(admin, job.jobId, job.stepId, 'start');
      await changeStepStatus(admin, job.jobId, job.stepId, 'finish');
      const { figures } = await bookingInsights(org.ctx, { from: '2026-03-23', to: '2026-03-31' });
      expect(figures.booked).toBeGreaterThanOrEqual(5);
      expect(figures.movedByCustomer).toBeGreaterThanOrEqual(1);
      expect(figures.movedByStaff).toBeGreaterThanOrEqual(1);
      expect(figures.cancelled).toBeGreaterThanOrEqual(1);
      expect([figures.visits, figures.insideWindow]).toEqual([1, 1]);
      expect(figures.fullSlots).toBeGreaterThanOrEqual(1);
      expect(figures.placesTaken).toBeGreaterThan(figures.fullSlots - 1);
      const specialist = contextFor(rt, org.id, { type: 'specialist', id: org.inspector.id });
      expect((await refusal(bookingInsights(specialist, {}))).kind).toBe('forbidden');
    } finally {
      clock.set(at('2026-03-23T06:00:00Z'));
    }
  });
});
