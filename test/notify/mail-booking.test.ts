import ICAL from 'ical.js';
import { describe, expect, it } from 'vitest';
import { DEFAULT_HOURS } from '../../db/schema';
import { setPreferences } from '../../src/notify/preferences';
import { contextFor } from '../../src/runtime';
import { createJob } from '../../src/services/jobs/create-job';
import { getJob } from '../../src/services/jobs/read-job';
import { createWorkflow } from '../../src/services/organisation/workflows';
import { bookSlot, cancelBooking } from '../../src/services/slots/booking';
import { fakeClock, makeOrganisation } from '../helpers';
import { type Received, startMailWork } from '../mailbox';

/**
 * Issue 18, "Email messages (if sent) carry it": a booking made, moved or cancelled reaches a customer with
 * an email address as a message in their language carrying the calendar file (REQUEST, then CANCEL), sent
 * through a real SMTP server and read back with mailparser and ical.js.
 */
const at = (iso: string) => Date.parse(iso);
const AMSTERDAM = {
  hours: DEFAULT_HOURS,
  closedDates: [],
  holidayCountry: 'NL',
  timeZone: 'Europe/Amsterdam',
};

async function setup() {
  // Monday 23 March 2026, 07:00 in Amsterdam.
  const { rt, clock, mailbox, transport, work } = await startMailWork(fakeClock(at('2026-03-23T06:00:00Z')));
  const org = await makeOrganisation(rt, { name: 'Witgoed Utrecht', ...AMSTERDAM });
  const workflowId = await createWorkflow(org.ctx, {
    name: 'Bezorgen',
    steps: [
      {
        title: 'Bezorgen',
        translations: { en: { title: 'Delivery' } },
        booking: { slotMinutes: 120, capacity: 3, horizonDays: 7, cutoffWorkingDays: 0, leadMinutes: 60 },
      },
    ],
  });
  const customer = contextFor(rt, org.id, { type: 'customer', id: null });
  const newJob = async (reference: string, locale: 'nl' | 'en', email: string | undefined) => {
    const { jobId } = await createJob(org.ctx, {
      reference,
      title: 'Wasmachine',
      customer: { name: 'Sam Jansen', phone: '+31612345678', locale, ...(email ? { email } : {}) },
      address: { street: 'Kanaalstraat', number: '4', postcode: '3531 AB', city: 'Utrecht' },
      workflowId,
    });
    return { jobId, stepId: (await getJob(org.ctx, jobId)).steps[0]?.id ?? '' };
  };
  return { rt, clock, mailbox, transport, org, customer, newJob, work };
}

/** The message's calendar part, parsed by ical.js: method and the event's UID, SEQUENCE, start and status. */
function calendarOf(message: Received | undefined) {
  const part = message?.parsed.attachments.find((a) => a.contentType === 'text/calendar');
  expect(part, 'a text/calendar part').toBeDefined();
  const calendar = new ICAL.Component(ICAL.parse(part?.content.toString('utf8') ?? ''));
  const event = calendar.getFirstSubcomponent('vevent');
  return {
    method: calendar.getFirstPropertyValue('method'),
    uid: event?.getFirstPropertyValue('uid'),
    sequence: Number(event?.getFirstPropertyValue('sequence')),
    start: (event?.getFirstPropertyValue('dtstart') as ICAL.Time | undefined)?.toJSDate().toISOString(),
    end: (event?.getFirstPropertyValue('dtend') as ICAL.Time | undefined)?.toJSDate().toISOString(),
    status: event?.getFirstPropertyValue('status'),
    organizer: String(event?.getFirstPropertyValue('organizer') ?? ''),
    attendee: String(event?.getFirstPropertyValue('attendee') ?? ''),
    location: event?.getFirstPropertyValue('location'),
    summary: event?.getFirstPropertyValue('summary'),
    description: event?.getFirstPropertyValue('description'),
  };
}

describe('booking email with its calendar file', () => {
  it('sends REQUEST for made and moved, CANCEL for cancelled: one UID, SEQUENCE rising, DTSTART the window', async () => {
    const { mailbox, transport, org, customer, newJob, work } = await setup();
    try {
      const { jobId, stepId } = await newJob('B-1', 'en', 'sam@example.nl');
      await work();
      await mailbox.waitFor(1);
      expect(mailbox.received[0]?.parsed.attachments).toHaveLength(0);

      await bookSlot(customer, jobId, stepId, at('2026-03-25T08:00:00Z'));
      await work();
      const made = (await mailbox.waitFor(2))[1];
      expect(made?.parsed.subject).toBe('Witgoed Utrecht: your appointment for Delivery');
      expect(made?.parsed.text).toContain('Booked: Delivery, 25 March 2026 09:00–11:00.');
      const first = calendarOf(made);
      expect(first).toMatchObject({
        method: 'REQUEST',
        sequence: 0,
        start: '2026-03-25T08:00:00.000Z',
        end: '2026-03-25T10:00:00.000Z',
        status: 'CONFIRMED',
        location: 'Kanaalstraat 4, 3531 AB Utrecht, Netherlands',
      });
      expect(first.uid).toBe(`booking-${stepId}@tracker.test`);
      // In the customer's language: the job's reference, the step and the tracker link.
      expect(first.summary).toBe('Delivery · Witgoed Utrecht');
      expect(first.description).toMatch(
        /^Job B-1: Delivery\nFollow it on your tracker: https?:\/\/tracker\.test\/t\/[\w-]+$/,
      );
      expect(first.organizer).toMatch(/^mailto:tracker@mail\.test$/i);
      expect(first.attendee).toMatch(/^mailto:sam@example\.nl$/i);

      // Staff move it, with the reason the customer reads.
      await bookSlot(org.ctx, jobId, stepId, at('2026-03-25T12:00:00Z'), {
        reason: 'The van is in for repair',
      });
      await work();
      const moved = (await mailbox.waitFor(3))[2];
      expect(moved?.parsed.text).toContain('Moved: Delivery is now 25 March 2026 13:00–15:00.');
      expect(moved?.parsed.text).toContain('Why: The van is in for repair');
      expect(calendarOf(moved)).toMatchObject({
        method: 'REQUEST',
        uid: first.uid,
        sequence: 1,
        start: '2026-03-25T12:00:00.000Z',
      });

      await cancelBooking(customer, jobId, stepId);
      await work();
      const cancelled = (await mailbox.waitFor(4))[3];
      expect(cancelled?.parsed.subject).toBe('Witgoed Utrecht: your appointment for Delivery is cancelled');
      expect(calendarOf(cancelled)).toMatchObject({
        method: 'CANCEL',
        uid: first.uid,
        sequence: 2,
        start: '2026-03-25T12:00:00.000Z',
        status: 'CANCELLED',
      });
      // The header that points the sender at the booking never leaves.
      expect(cancelled?.header('x-open-kitchen-calendar')).toBeUndefined();
    } finally {
      transport.close();
    }
  });

  it('writes Dutch to a Dutch customer, and a move and cancel within one message carry only the last state', async () => {
    const { mailbox, transport, customer, newJob, work } = await setup();
    try {
      const { jobId, stepId } = await newJob('B-2', 'nl', 'sam@example.nl');
      await work();
      await mailbox.waitFor(1);
      await bookSlot(customer, jobId, stepId, at('2026-03-25T08:00:00Z'));
      await bookSlot(customer, jobId, stepId, at('2026-03-25T10:00:00Z'));
      await work();
      const both = (await mailbox.waitFor(2))[1];
      expect(both?.parsed.text).toContain('Geboekt: Bezorgen, 25 maart 2026 09:00–11:00.');
      expect(both?.parsed.text).toContain('Verzet: Bezorgen is nu 25 maart 2026 11:00–13:00.');
      expect(both?.parsed.attachments.filter((a) => a.contentType === 'text/calendar')).toHaveLength(1);
      expect(calendarOf(both)).toMatchObject({
        method: 'REQUEST',
        sequence: 1,
        start: '2026-03-25T10:00:00.000Z',
        summary: 'Bezorgen · Witgoed Utrecht',
      });
      expect(calendarOf(both).description).toMatch(
        /^Opdracht B-2: Bezorgen\nVolg het op uw tracker: https?:\/\/tracker\.test\/t\/[\w-]+$/,
      );
    } finally {
      transport.close();
    }
  });

  it('carries one calendar file per booked step when one message tells of two bookings', async () => {
    const { mailbox, transport, org, customer, work } = await setup();
    try {
      const booking = {
        slotMinutes: 120,
        capacity: 3,
        horizonDays: 7,
        cutoffWorkingDays: 0,
        leadMinutes: 60,
      };
      const workflowId = await createWorkflow(org.ctx, {
        name: 'Keuken',
        steps: [
          { title: 'Inmeten', translations: { en: { title: 'Measuring' } }, booking },
          { title: 'Plaatsen', translations: { en: { title: 'Fitting' } }, booking },
        ],
      });
      const { jobId } = await createJob(org.ctx, {
        reference: 'K-1',
        title: 'Keuken',
        customer: { name: 'Sam Jansen', email: 'keuken@example.nl', locale: 'en' },
        address: { street: 'Kanaalstraat', number: '4', postcode: '3531 AB', city: 'Utrecht' },
        workflowId,
      });
      const [measure, fit] = (await getJob(org.ctx, jobId)).steps;
      if (!measure || !fit) throw new Error('no steps');
      await work();
      await mailbox.waitFor(1);
      await bookSlot(customer, jobId, measure.id, at('2026-03-25T08:00:00Z'));
      await bookSlot(customer, jobId, fit.id, at('2026-03-26T12:00:00Z'));
      await work();
      const message = (await mailbox.waitFor(2))[1];
      const parts = message?.parsed.attachments.filter((a) => a.contentType === 'text/calendar') ?? [];
      expect(parts).toHaveLength(2);
      const events = parts.map((part) => {
        const calendar = new ICAL.Component(ICAL.parse(part.content.toString('utf8')));
        const event = calendar.getFirstSubcomponent('vevent');
        return {
          method: calendar.getFirstPropertyValue('method'),
          uid: event?.getFirstPropertyValue('uid'),
          summary: event?.getFirstPropertyValue('summary'),
          start: (event?.getFirstPropertyValue('dtstart') as ICAL.Time | undefined)?.toJSDate().toISOString(),
        };
      });
      expect(events.sort((a, b) => String(a.start).localeCompare(String(b.start)))).toEqual([
        {
          method: 'REQUEST',
          uid: `booking-${measure.id}@tracker.test`,
          summary: 'Measuring · Witgoed Utrecht',
          start: '2026-03-25T08:00:00.000Z',
        },
        {
          method: 'REQUEST',
          uid: `booking-${fit.id}@tracker.test`,
          summary: 'Fitting · Witgoed Utrecht',
          start: '2026-03-26T12:00:00.000Z',
        },
      ]);
    } finally {
      transport.close();
    }
  });

  it('sends nothing without an email address, nor to a customer who turned off time updates', async () => {
    const { rt, mailbox, transport, customer, newJob, work } = await setup();
    try {
      const none = await newJob('B-3', 'nl', undefined);
      const quiet = await newJob('B-4', 'nl', 'stil@example.nl');
      await work();
      await mailbox.waitFor(1);
      await setPreferences(rt.database.db, quiet.jobId, { email: { promise: false } }, rt.clock.now());
      await bookSlot(customer, none.jobId, none.stepId, at('2026-03-25T08:00:00Z'));
      await bookSlot(customer, quiet.jobId, quiet.stepId, at('2026-03-25T08:00:00Z'));
      await work();
      await work();
      expect(mailbox.received).toHaveLength(1);
    } finally {
      transport.close();
    }
  });
});
