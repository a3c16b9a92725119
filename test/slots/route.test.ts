import { and, eq } from 'drizzle-orm';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { bookings, DEFAULT_HOURS, events, jobs, media } from '../../db/schema';
import { contextFor } from '../../src/runtime';
import { createJob } from '../../src/services/jobs/create-job';
import { getJob } from '../../src/services/jobs/read-job';
import { createWorkflow } from '../../src/services/organisation/workflows';
import { bookSlot, cancelBooking } from '../../src/services/slots/booking';
import { deliverStop, signatureBytes } from '../../src/services/slots/deliver';
import { moveStop, placeOf, placesOfJob, reorderStops, routeStops } from '../../src/services/slots/route';
import { changeStepStatus } from '../../src/services/steps/change-step-status';
import { getTrackerView } from '../../src/services/tracker/tracker';
import { apiClient, fakeClock, makeOrganisation, refusal, testRuntime } from '../helpers';

/**
 * The day of delivery (issue 18, docs/decisions/delivery-day.md): a route's stops in order, the countdown
 * on a fake clock, proof of delivery, and the API — for the organisation's own routes only.
 */
const at = (iso: string) => Date.parse(iso);
const AMSTERDAM = {
  hours: DEFAULT_HOURS,
  closedDates: [],
  holidayCountry: 'NL',
  timeZone: 'Europe/Amsterdam',
};
const DAY = '2026-03-25';

describe('the day of delivery', async () => {
  // Monday 23 March 2026, 07:00 in Amsterdam: the customers book Wednesday's slots.
  const clock = fakeClock(at('2026-03-23T06:00:00Z'));
  const rt = await testRuntime({ clock });
  const call = apiClient(rt);
  const org = await makeOrganisation(rt, AMSTERDAM);
  const other = await makeOrganisation(rt, AMSTERDAM);
  const workflowId = await createWorkflow(org.ctx, {
    name: 'Bezorgen',
    steps: [
      {
        title: 'Bezorgen',
        translations: { en: { title: 'Delivery' } },
        defaultRole: 'Monteur',
        booking: { slotMinutes: 120, capacity: 3, horizonDays: 7, cutoffWorkingDays: 0, leadMinutes: 60 },
      },
    ],
  });
  const customer = contextFor(rt, org.id, { type: 'customer', id: null });
  const driver = contextFor(rt, org.id, { type: 'specialist', id: org.mechanic.id });
  const booked = async (reference: string, startsAt: string) => {
    const { jobId, trackerToken } = await createJob(org.ctx, {
      reference,
      title: 'Wasmachine',
      customer: { name: `Klant ${reference}`, phone: '+31612345678', locale: 'nl' },
      address: { street: 'Kanaalstraat', number: '4', postcode: '3531 AB', city: 'Utrecht' },
      workflowId,
    });
    const stepId = (await getJob(org.ctx, jobId)).steps[0]?.id ?? '';
    await bookSlot(customer, jobId, stepId, at(startsAt));
    return { jobId, stepId, trackerToken };
  };
  const a = await booked('R-1', '2026-03-25T08:00:00Z');
  const b = await booked('R-2', '2026-03-25T08:00:00Z');
  const c = await booked('R-3', '2026-03-25T08:00:00Z');
  const d = await booked('R-4', '2026-03-25T10:00:00Z');
  // The step's role assigns it to the driver (Jan): his route. The role's capacity is a route too.
  const assignee = (await getJob(org.ctx, a.jobId)).steps[0]?.assigneeId;
  const route = `specialist:${assignee}`;
  const [{ capacityKey } = { capacityKey: '' }] = await rt.database.db
    .select({ capacityKey: bookings.capacityKey })
    .from(bookings)
    .where(eq(bookings.jobId, a.jobId));
  const refs = async () => (await routeStops(org.ctx.db, org.ctx, route, DAY)).map((s) => s.reference);

  it('lists the stops by window, then by the order the driver gave them within it', async () => {
    expect(assignee).toBe(org.mechanic.id);
    expect(await refs()).toEqual(['R-1', 'R-2', 'R-3', 'R-4']);
    expect(capacityKey).toMatch(/^role:/);
    expect((await routeStops(org.ctx.db, org.ctx, capacityKey, DAY)).map((s) => s.reference)).toEqual([
      'R-1',
      'R-2',
      'R-3',
      'R-4',
    ]);
    const stops = await routeStops(org.ctx.db, org.ctx, route, DAY);
    const id = (ref: string) => stops.find((s) => s.reference === ref)?.id ?? '';
    await reorderStops(driver, route, DAY, [id('R-3'), id('R-1'), id('R-2')]);
    expect(await refs()).toEqual(['R-3', 'R-1', 'R-2', 'R-4']);
    // Never before an earlier window: R-4's window comes later whatever its place.
    await reorderStops(driver, route, DAY, [id('R-4'), id('R-3')]);
    expect(await refs()).toEqual(['R-3', 'R-1', 'R-2', 'R-4']);
    // One tap on the phone: one place up within the window, nothing across windows.
    await moveStop(driver, route, DAY, id('R-1'), 'up');
    expect(await refs()).toEqual(['R-1', 'R-3', 'R-2', 'R-4']);
    await moveStop(driver, route, DAY, id('R-4'), 'up');
    expect(await refs()).toEqual(['R-1', 'R-3', 'R-2', 'R-4']);
    await moveStop(driver, route, DAY, id('R-3'), 'down');
    expect(await refs()).toEqual(['R-1', 'R-2', 'R-3', 'R-4']);
    // Another day has none of them.
    expect(await routeStops(org.ctx.db, org.ctx, route, '2026-03-26')).toEqual([]);
  });

  it('refuses bad input with the field named, in both languages, and changes nothing', async () => {
    const stranger = await refusal(reorderStops(driver, route, DAY, ['bkg_nope']));
    expect([stranger.kind, stranger.reason, stranger.field]).toEqual(['invalid', 'not_on_route', 'stops.0']);
    expect(stranger.messageIn('en')).toBe('This stop is not on this route on this day.');
    expect(stranger.messageIn('nl')).toBe('Deze stop staat die dag niet op deze route.');
    const date = await refusal(routeStops(org.ctx.db, org.ctx, route, '2026-02-30'));
    expect([date.reason, date.field]).toEqual(['bad_format', 'date']);
    const unnamed = await refusal(deliverStop(driver, a.jobId, a.stepId, { recipientName: '  ' }));
    expect([unnamed.reason, unnamed.field]).toEqual(['required', 'recipientName']);
    expect(unnamed.messageIn('nl')).toBe('Vul dit in.');
    expect(() => signatureBytes('signature', 'data:image/gif;base64,R0lGOD')).toThrowError(/signature/);
    const junk = await refusal(
      deliverStop(driver, a.jobId, a.stepId, { recipientName: 'Piet', signature: new Uint8Array([1, 2, 3]) }),
    );
    expect([junk.reason, junk.field]).toEqual(['image_unreadable', 'signature']);
    expect(await refs()).toEqual(['R-1', 'R-2', 'R-3', 'R-4']);
    expect((await getJob(org.ctx, a.jobId)).steps[0]?.status).toBe('pending');
    // Another organisation's route is not found; nor is its stop.
    const foreign = await refusal(reorderStops(other.ctx, route, DAY, []));
    expect(foreign.kind).toBe('not_found');
    const elsewhere = await refusal(deliverStop(other.ctx, a.jobId, a.stepId, { recipientName: 'Piet' }));
    expect(elsewhere.kind).toBe('not_found');
  });

  it('counts down "stops before you" as stops finish, with the window from the day’s own pace', async () => {
    // Wednesday 09:10 local: nothing finished; a stop's length is its window shared by its three stops.
    clock.set(at('2026-03-25T08:10:00Z'));
    const places = async (job: { jobId: string; stepId: string }) =>
      (await placesOfJob(org.ctx.db, org.id, 'Europe/Amsterdam', job.jobId))[job.stepId];
    expect(await places(a)).toEqual({
      stopsBefore: 0,
      expectedFrom: at('2026-03-25T08:00:00Z'),
      expectedUntil: at('2026-03-25T08:40:00Z'),
    });
    expect((await places(c))?.stopsBefore).toBe(2);
    expect((await places(d))?.stopsBefore).toBe(3);

    // 09:30 local: R-1 delivered with a signature; R-2 is next, one stop length after it.
    clock.set(at('2026-03-25T08:30:00Z'));
    const before = await logSize();
    const png = await sharp({
      create: { width: 300, height: 120, channels: 4, background: '#ffffff' },
    })
      .png()
      .toBuffer();
    const proof = await deliverStop(driver, a.jobId, a.stepId, {
      recipientName: 'Piet Jansen',
      signature: signatureBytes('signature', `data:image/png;base64,${png.toString('base64')}`),
    });
    expect(proof).toMatchObject({ recipientName: 'Piet Jansen', deliveredAt: at('2026-03-25T08:30:00Z') });
    expect(proof.signatureUrl).toMatch(/^\/media\/img_/);
    const [kept] = await rt.database.db
      .select({ organisationId: media.organisationId })
      .from(media)
      .where(eq(media.id, proof.signatureUrl?.slice('/media/'.length) ?? ''));
    expect(kept?.organisationId).toBe(org.id);
    expect(await places(b)).toEqual({
      stopsBefore: 0,
      expectedFrom: at('2026-03-25T09:10:00Z'),
      expectedUntil: at('2026-03-25T09:50:00Z'),
    });
    // Every later stop's job heard of it (their trackers update live), and R-1's log has the proof.
    for (const job of [b, c, d]) expect(await typesSince(job.jobId, before)).toContain('route.progressed');
    expect(await typesSince(a.jobId, before)).toEqual([
      'step.finished',
      'job.completed',
      'booking.delivered',
    ]);
    const again = await refusal(deliverStop(driver, a.jobId, a.stepId, { recipientName: 'Piet' }));
    expect(again.reason).toBe('already_delivered');

    // 10:00 local: R-2 done with one tap. Two finished, 30 minutes apart: that is the pace now.
    clock.set(at('2026-03-25T09:00:00Z'));
    await changeStepStatus(driver, b.jobId, b.stepId, 'finish');
    expect(await places(c)).toEqual({
      stopsBefore: 0,
      expectedFrom: at('2026-03-25T09:30:00Z'),
      expectedUntil: at('2026-03-25T10:00:00Z'),
    });
    // R-4's window starts at 11:00 local: never expected before it.
    expect(await places(d)).toEqual({
      stopsBefore: 1,
      expectedFrom: at('2026-03-25T10:00:00Z'),
      expectedUntil: at('2026-03-25T10:30:00Z'),
    });

    // The tracker's view carries the place and the proof (rendered and shown live: test/e2e/delivery.test.ts).
    const view = await getTrackerView(org.ctx.db, d.trackerToken);
    expect(view?.places[d.stepId]?.stopsBefore).toBe(1);
    const delivered = await getTrackerView(org.ctx.db, a.trackerToken);
    expect(delivered?.proofs[a.stepId]).toEqual(proof);
    expect(delivered?.places).toEqual({});

    // The pure computation: a closed stop has no place.
    const stops = await routeStops(org.ctx.db, org.ctx, route, DAY);
    expect(placeOf(stops, 0)).toBeNull();
  });

  it('works through the API for the organisation’s own routes only', async () => {
    const path = `/routes/${encodeURIComponent(route)}/stops`;
    const read = await call('GET', `${path}?date=${DAY}`, { key: org.key });
    expect(read.status).toBe(200);
    expect(read.json.stops.map((s: { reference: string }) => s.reference)).toEqual([
      'R-1',
      'R-2',
      'R-3',
      'R-4',
    ]);
    expect(read.json.stops[0].proof.recipientName).toBe('Piet Jansen');
    expect(read.json.stops[2]).toMatchObject({ open: true, stopsBefore: 0 });
    // Without a date: today (Wednesday on the fake clock).
    expect((await call('GET', path, { key: org.key })).json.date).toBe(DAY);
    expect((await call('GET', `${path}?date=${DAY}`, { key: other.key })).status).toBe(404);
    expect((await call('GET', `/routes/nope/stops?date=${DAY}`, { key: org.key })).status).toBe(422);
    expect((await call('GET', `${path}?date=2026-13-01`, { key: org.key })).status).toBe(422);
    const ids = read.json.stops.map((s: { id: string }) => s.id) as string[];
    const reordered = await call('PUT', `${path}/order`, {
      key: org.key,
      body: { date: DAY, stops: [ids[2], ids[1]] },
    });
    expect(reordered.status).toBe(200);
    expect(reordered.json.stops.map((s: { reference: string }) => s.reference)).toEqual([
      'R-3',
      'R-2',
      'R-1',
      'R-4',
    ]);
    expect(
      (await call('PUT', `${path}/order`, { key: other.key, body: { date: DAY, stops: [] } })).status,
    ).toBe(404);
    expect(
      (await call('PUT', `${path}/order`, { key: org.readKey, body: { date: DAY, stops: [] } })).status,
    ).toBe(403);
    const wrong = await call('PUT', `${path}/order`, { key: org.key, body: { date: DAY, stops: ['x'] } });
    expect([wrong.status, wrong.json.error.details?.field]).toEqual([422, 'stops.0']);

    const deliver = `/jobs/${d.jobId}/steps/${d.stepId}/delivery`;
    expect((await call('POST', deliver, { key: other.key, body: { recipientName: 'X' } })).status).toBe(404);
    const bad = await call('POST', deliver, {
      key: org.key,
      body: { recipientName: 'Anna', signature: 'data:text/html;base64,PGI+' },
    });
    expect([bad.status, bad.json.error.details?.field]).toEqual([422, 'signature']);
    const done = await call('POST', deliver, { key: org.key, body: { recipientName: 'Anna de Wit' } });
    expect([done.status, done.json.recipientName, done.json.signatureUrl]).toEqual([
      200,
      'Anna de Wit',
      null,
    ]);
    const twice = await call('POST', deliver, { key: org.key, body: { recipientName: 'Anna' } });
    expect([twice.status, twice.json.error.code]).toEqual([409, 'already_delivered']);
    const [job] = await rt.database.db.select({ status: jobs.status }).from(jobs).where(eq(jobs.id, d.jobId));
    expect(job?.status).toBe('done');
  });

  it('tells the route when a stop is booked or cancelled on the day itself', async () => {
    // Wednesday 10:00 local (the clock as the countdown left it): two more stops in the 11:00 window.
    const f = await booked('R-5', '2026-03-25T10:00:00Z');
    const before = await logSize();
    const g = await booked('R-6', '2026-03-25T10:00:00Z');
    expect(await typesSince(f.jobId, before)).toEqual(['route.progressed']);
    // Before G: R-3 (still open in the 09:00 window) and F.
    expect((await placesOfJob(org.ctx.db, org.id, 'Europe/Amsterdam', g.jobId))[g.stepId]?.stopsBefore).toBe(
      2,
    );
    const mark = await logSize();
    await cancelBooking(driver, f.jobId, f.stepId, { reason: 'Klant is niet thuis' });
    expect(await typesSince(g.jobId, mark)).toEqual(['route.progressed']);
    expect((await placesOfJob(org.ctx.db, org.id, 'Europe/Amsterdam', g.jobId))[g.stepId]?.stopsBefore).toBe(
      1,
    );
  });

  async function logSize() {
    const rows = await rt.database.db.select({ id: events.id }).from(events);
    return Math.max(0, ...rows.map((r) => r.id));
  }
  async function typesSince(jobId: string, after: number) {
    const rows = await rt.database.db
      .select({ id: events.id, type: events.type })
      .from(events)
      .where(and(eq(events.jobId, jobId)));
    return rows
      .filter((r) => r.id > after)
      .sort((x, y) => x.id - y.id)
      .map((r) => r.type);
  }
});
