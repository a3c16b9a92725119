import { beforeAll, describe, expect, it } from 'vitest';
import {
  apiClient,
  fakeClock,
  makeOrganisation,
  PRODUCT_CALENDAR,
  sampleJob,
  type TestOrg,
  testRuntime,
} from '../helpers';

// Monday 23 November 2026, 09:00 in Amsterdam.
const local = (time: string, date = '2026-11-23') => new Date(`${date}T${time}:00+01:00`).toISOString();
const clock = fakeClock(Date.parse(local('09:00')));
let call: ReturnType<typeof apiClient>;
let org: TestOrg;
let other: TestOrg;

beforeAll(async () => {
  const rt = await testRuntime({ clock });
  call = apiClient(rt);
  org = await makeOrganisation(rt, PRODUCT_CALENDAR);
  other = await makeOrganisation(rt, PRODUCT_CALENDAR);
});

const office = {
  sunday: [],
  monday: [{ open: '09:00', close: '17:30' }],
  tuesday: [{ open: '09:00', close: '17:30' }],
  wednesday: [{ open: '09:00', close: '17:30' }],
  thursday: [{ open: '09:00', close: '17:30' }],
  friday: [{ open: '09:00', close: '17:30' }],
  saturday: [],
};
const drives = Object.fromEntries(
  Object.keys(office).map((d) => [d, d === 'sunday' ? [] : [{ open: '08:00', close: '21:00' }]]),
);

describe('calendars', () => {
  it('reads the organisation’s calendar, with Dutch public holidays by default', async () => {
    const res = await call('GET', '/calendar', { key: org.key });
    expect(res.status).toBe(200);
    expect(res.json).toEqual({
      hours: office,
      closedDates: [],
      holidayCountry: 'NL',
      timeZone: 'Europe/Amsterdam',
    });
  });

  it('writes it, naming the field of what breaks a rule', async () => {
    const saved = await call('PUT', '/calendar', {
      key: org.key,
      body: { hours: office, closedDates: ['2026-12-31', '2026-12-24'], holidayCountry: 'nl' },
    });
    expect(saved.status).toBe(200);
    expect(saved.json).toMatchObject({ closedDates: ['2026-12-24', '2026-12-31'], holidayCountry: 'NL' });

    const backwards = await call('PUT', '/calendar', {
      key: org.key,
      body: {
        hours: { ...office, monday: [{ open: '17:00', close: '09:00' }] },
        closedDates: [],
        holidayCountry: 'NL',
      },
    });
    expect(backwards.status).toBe(422);
    expect(backwards.json.error.details).toEqual({ field: 'hours.1.0' });
    const country = await call('PUT', '/calendar', {
      key: org.key,
      body: { hours: office, closedDates: [], holidayCountry: 'XX' },
    });
    expect(country.json.error.details).toEqual({ field: 'holidayCountry' });
    const date = await call('PUT', '/calendar', {
      key: org.key,
      body: { hours: office, closedDates: ['2026-02-30'], holidayCountry: null },
    });
    expect(date.json.error.details).toEqual({ field: 'closedDates.0' });
    const badTime = await call('PUT', '/calendar', {
      key: org.key,
      body: {
        hours: { ...office, monday: [{ open: '9', close: '17:30' }] },
        closedDates: [],
        holidayCountry: null,
      },
    });
    expect(badTime.status).toBe(422);
    expect(badTime.json.error.message).toMatch(/hours\.monday\.0\.open/);
    expect(
      (
        await call('PUT', '/calendar', {
          key: org.readKey,
          body: { hours: office, closedDates: [], holidayCountry: null },
        })
      ).status,
    ).toBe(403);
  });

  it('gives a workflow its own calendar; its jobs are planned in it', async () => {
    const path = `/workflows/${org.workflowId}/calendar`;
    const before = await call('GET', path, { key: org.key });
    expect(before.json.own).toBeNull();
    const set = await call('PUT', path, {
      key: org.key,
      body: { hours: drives, closedDates: [], holidayCountry: 'NL' },
    });
    expect(set.status).toBe(200);
    expect(set.json.effective.hours.saturday).toEqual([{ open: '08:00', close: '21:00' }]);

    // Saturday 28 November 20:50: the 15-minute intake ends Monday 08:05, the hour after it 09:05.
    clock.set(Date.parse(local('20:50', '2026-11-28')));
    const job = await call('POST', '/jobs', {
      key: org.key,
      body: { ...sampleJob(), workflowId: org.workflowId },
    });
    expect(job.json.steps.map((s: { promisedAt: string | null }) => s.promisedAt)).toEqual([
      local('08:05', '2026-11-30'),
      local('09:05', '2026-11-30'),
      null,
    ]);
    expect(job.json).toMatchObject({
      promisedDoneAt: local('09:05', '2026-11-30'),
      firstPromisedDoneAt: local('09:05', '2026-11-30'),
      promiseChange: null,
    });

    expect((await call('GET', path, { key: other.key })).status).toBe(404);
    expect(
      (
        await call('PUT', path, {
          key: other.key,
          body: { hours: drives, closedDates: [], holidayCountry: null },
        })
      ).status,
    ).toBe(404);
    const dropped = await call('DELETE', path, { key: org.key });
    expect(dropped.json.own).toBeNull();
    expect(dropped.json.effective.hours.saturday).toEqual([]);
  });
});

describe('promises over the API', () => {
  async function newJob() {
    clock.set(Date.parse(local('09:00')));
    const res = await call('POST', '/jobs', {
      key: org.key,
      body: { ...sampleJob(), workflowId: org.workflowId },
    });
    return res.json as { id: string; steps: { id: string; promisedAt: string }[] };
  }

  it('a later promise needs a reason (422 naming the field); the preview shows the later steps; the job says when it is ready', async () => {
    const job = await newJob();
    const [intake] = job.steps;
    const base = `/jobs/${job.id}/steps/${intake?.id}/promise`;
    const refused = await call('PUT', base, { key: org.key, body: { promisedAt: local('11:00') } });
    expect(refused.status).toBe(422);
    expect(refused.json.error).toMatchObject({ code: 'invalid_input', details: { field: 'reason' } });

    const preview = await call('POST', `${base}/preview`, {
      key: org.key,
      body: { promisedAt: local('11:00'), reason: 'Druk' },
    });
    expect(preview.status).toBe(200);
    expect(preview.json.replanned).toEqual([
      {
        stepId: job.steps[1]?.id,
        title: 'Keuring',
        previousPromisedAt: local('10:15'),
        promisedAt: local('12:00'),
        fixed: false,
        atRisk: false,
      },
    ]);
    const unchanged = await call('GET', `/jobs/${job.id}`, { key: org.key });
    expect(unchanged.json.promisedDoneAt).toBe(local('10:15'));

    const moved = await call('PUT', base, {
      key: org.key,
      body: { promisedAt: local('11:00'), reason: 'Druk' },
    });
    expect(moved.status).toBe(200);
    expect(moved.json).toMatchObject({
      promisedAt: local('11:00'),
      promiseReason: 'Druk',
      promiseCauseStepId: intake?.id,
    });
    expect(moved.json.replanned).toHaveLength(1);
    const after = await call('GET', `/jobs/${job.id}`, { key: org.key });
    expect(after.json).toMatchObject({
      promisedDoneAt: local('12:00'),
      firstPromisedDoneAt: local('10:15'),
      promiseChange: { reason: 'Druk', cause: 'moved', stepId: intake?.id },
    });
    expect(after.json.steps[1]).toMatchObject({
      promiseReason: 'Druk',
      promiseCauseStepId: intake?.id,
      atRisk: false,
    });
  });

  it('a fixed appointment stays and is flagged at risk', async () => {
    const job = await newJob();
    const [intake, keuring] = job.steps;
    const fixed = await call('PUT', `/jobs/${job.id}/steps/${keuring?.id}/promise`, {
      key: org.key,
      body: { promisedAt: local('10:15'), fixed: true },
    });
    expect(fixed.json.fixedPromise).toBe(true);
    const moved = await call('PUT', `/jobs/${job.id}/steps/${intake?.id}/promise`, {
      key: org.key,
      body: { promisedAt: local('10:00'), reason: 'Later binnen' },
    });
    expect(moved.json.replanned).toEqual([
      expect.objectContaining({ stepId: keuring?.id, fixed: true, atRisk: true, promisedAt: local('10:15') }),
    ]);
    const read = await call('GET', `/jobs/${job.id}`, { key: org.key });
    expect(read.json.steps[1]).toMatchObject({
      promisedAt: local('10:15'),
      atRisk: true,
      fixedPromise: true,
    });
  });

  it('finishing a step whose extra work awaits approval is refused with 409', async () => {
    const job = await newJob();
    const step = job.steps[0]?.id;
    const line = await call('POST', `/jobs/${job.id}/cost-lines`, {
      key: org.key,
      body: {
        kind: 'part',
        description: 'Remschijven',
        quantity: 2,
        unitPriceCents: 4500,
        vatRate: 21,
        state: 'awaiting_approval',
        explanation: 'Versleten',
        stepId: step,
      },
    });
    expect(line.status).toBe(201);
    const refused = await call('POST', `/jobs/${job.id}/steps/${step}/finish`, { key: org.key });
    expect(refused.status).toBe(409);
    expect(refused.json.error).toMatchObject({
      code: 'approval_pending',
      details: { costLineId: line.json.id },
    });
  });
});

describe('answer times per workflow', () => {
  const steps = [{ title: 'Onderweg', expectedMinutes: 60 }];

  it('creates, reads and replaces a workflow with its own answer time; 422 outside the limits; 404 for another organisation', async () => {
    const made = await call('POST', '/workflows', {
      key: org.key,
      body: { name: 'Bezorging', answerMinutes: 30, steps },
    });
    expect(made.status).toBe(201);
    expect(made.json).toMatchObject({ name: 'Bezorging', answerMinutes: 30 });
    const listed = await call('GET', '/workflows', { key: org.key });
    expect(listed.json.workflows.find((w: { id: string }) => w.id === made.json.id)?.answerMinutes).toBe(30);

    const cleared = await call('PUT', `/workflows/${made.json.id}`, {
      key: org.key,
      body: { name: 'Bezorging', answerMinutes: null, steps },
    });
    expect(cleared.status).toBe(200);
    expect(cleared.json.answerMinutes).toBeNull();

    const zero = await call('PUT', `/workflows/${made.json.id}`, {
      key: org.key,
      body: { name: 'Bezorging', answerMinutes: 0, steps },
    });
    expect(zero.status).toBe(422);
    const theirs = await call('PUT', `/workflows/${made.json.id}`, {
      key: other.key,
      body: { name: 'Overgenomen', steps },
    });
    expect(theirs.status).toBe(404);
    const readOnly = await call('PUT', `/workflows/${made.json.id}`, {
      key: org.readKey,
      body: { name: 'Bezorging', steps },
    });
    expect(readOnly.status).toBe(403);
  });
});
