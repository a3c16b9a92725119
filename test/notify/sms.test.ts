import { eq } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { smsFailingNumbers, smsMessages, steps } from '../../db/schema';
import { setPreferences } from '../../src/notify/preferences';
import { toE164 } from '../../src/notify/sms/phone';
import {
  enqueueSmsForNewEvents,
  queueTrackerLinkSms,
  SMS_RETRY_DELAYS_MS,
  sendDueSms,
  smsStateForJob,
} from '../../src/notify/sms/queue';
import { smsSegments } from '../../src/notify/sms/segments';
import { TwilioSms } from '../../src/notify/sms/twilio';
import { addCostLine, removeCostLine } from '../../src/services/costs/cost-lines';
import { createJob } from '../../src/services/jobs/create-job';
import { writeTransaction } from '../../src/services/platform/context';
import { changeStepStatus } from '../../src/services/steps/change-step-status';
import { fakeClock, makeOrganisation, refusal, sampleJob, type TestOrg, testRuntime } from '../helpers';
import { twilioServer } from './twilio-server';

const SID = `AC${'0123456789abcdef'.repeat(2)}`;
const TOKEN = 'an auth token of some length';

describe('text length', () => {
  it('counts GSM-7 segments: 160 in one, 153 per part, extension characters twice', () => {
    expect(smsSegments('a'.repeat(160))).toEqual({ encoding: 'GSM-7', units: 160, segments: 1 });
    expect(smsSegments('a'.repeat(161)).segments).toBe(2);
    expect(smsSegments('a'.repeat(306)).segments).toBe(2);
    expect(smsSegments('a'.repeat(307)).segments).toBe(3);
    expect(smsSegments(`${'a'.repeat(159)}€`)).toMatchObject({ units: 161, segments: 2 });
    expect(smsSegments('Café, Ärger, ñ').encoding).toBe('GSM-7');
  });

  it('falls back to UCS-2 for anything outside GSM-7: 70 in one, 67 per part', () => {
    expect(smsSegments(`${'a'.repeat(69)}ë`)).toEqual({ encoding: 'UCS-2', units: 70, segments: 1 });
    expect(smsSegments(`${'a'.repeat(70)}ë`).segments).toBe(2);
    expect(smsSegments('Klaar 🚗').encoding).toBe('UCS-2');
  });

  it('reads numbers as E.164, national ones in the organisation’s country', () => {
    expect(toE164('06 12 34 56 78', 'NL')).toBe('+31612345678');
    expect(toE164('+32 470 12 34 56', 'NL')).toBe('+32470123456');
    expect(toE164('0470 12 34 56', 'BE')).toBe('+32470123456');
    expect(toE164('12', 'NL')).toBeNull();
    expect(toE164('', 'NL')).toBeNull();
  });
});

describe("Twilio's Messages API", () => {
  let twilio: Awaited<ReturnType<typeof twilioServer>>;
  beforeAll(async () => {
    twilio = await twilioServer(SID, TOKEN);
  });

  it('posts the documented form with Basic auth and reads the Message resource', async () => {
    const sms = new TwilioSms({
      accountSid: SID,
      authToken: TOKEN,
      from: '+3197010203040',
      apiUrl: twilio.url,
    });
    const result = await sms.send({
      to: '+31612345678',
      body: 'Hallo',
      statusCallback: 'https://example.nl/cb',
    });
    expect(result).toMatchObject({
      ok: true,
      status: 'queued',
      id: expect.stringMatching(/^SM[0-9a-f]{32}$/),
    });
    const got = twilio.received.at(-1);
    expect([...(got?.fields.keys() ?? [])].sort()).toEqual(['Body', 'From', 'StatusCallback', 'To']);
    expect(got).toMatchObject({ to: '+31612345678', from: '+3197010203040', body: 'Hallo' });
  });

  it('sends from a Messaging Service as MessagingServiceSid', async () => {
    const service = `MG${'ab'.repeat(16)}`;
    const sms = new TwilioSms({ accountSid: SID, authToken: TOKEN, from: service, apiUrl: twilio.url });
    expect(await sms.send({ to: '+31612345678', body: 'Hallo' })).toMatchObject({
      ok: true,
      status: 'accepted',
    });
    expect(twilio.received.at(-1)).toMatchObject({ from: null, service });
  });

  it('tells temporary refusals from final ones', async () => {
    const sms = new TwilioSms({
      accountSid: SID,
      authToken: TOKEN,
      from: '+3197010203040',
      apiUrl: twilio.url,
    });
    twilio.next.tooManyRequests();
    expect(await sms.send({ to: '+31612345678', body: 'x' })).toEqual({
      ok: false,
      temporary: true,
      recipient: false,
      error: '20429: Too Many Requests',
    });
    twilio.next.serverError();
    expect(await sms.send({ to: '+31612345678', body: 'x' })).toMatchObject({ ok: false, temporary: true });
    twilio.next.invalidNumber('+31612345678');
    expect(await sms.send({ to: '+31612345678', body: 'x' })).toMatchObject({
      ok: false,
      temporary: false,
      recipient: true,
    });
    const wrong = new TwilioSms({
      accountSid: SID,
      authToken: 'not the token at all',
      from: '+3197010203040',
      apiUrl: twilio.url,
    });
    expect(await wrong.send({ to: '+31612345678', body: 'x' })).toEqual({
      ok: false,
      temporary: false,
      recipient: false,
      error: '20003: Authenticate',
    });
    const nowhere = new TwilioSms({
      accountSid: SID,
      authToken: TOKEN,
      from: '+3197010203040',
      apiUrl: 'http://127.0.0.1:9',
    });
    expect(await nowhere.send({ to: '+31612345678', body: 'x' })).toMatchObject({
      ok: false,
      temporary: true,
    });
  });
});

describe('the text message queue', () => {
  const clock = fakeClock();
  let rt: Awaited<ReturnType<typeof testRuntime>>;
  let org: TestOrg;
  let twilio: Awaited<ReturnType<typeof twilioServer>>;
  let provider: TwilioSms;
  const tick = async () => {
    await enqueueSmsForNewEvents(rt.database.db, clock, rt.config.publicUrl);
    return sendDueSms(rt.database.db, clock, provider);
  };
  const messagesOf = (jobId: string) =>
    rt.database.db.select().from(smsMessages).where(eq(smsMessages.jobId, jobId));

  beforeAll(async () => {
    twilio = await twilioServer(SID, TOKEN);
    rt = await testRuntime({ clock });
    org = await makeOrganisation(rt, { name: 'Garage “De Hoek”' });
    provider = new TwilioSms({
      accountSid: SID,
      authToken: TOKEN,
      from: '+3197010203040',
      apiUrl: twilio.url,
    });
    await tick(); // The cursor starts at the end of the log.
  });

  it('texts the tracker link when a job with a phone number is created, in the job’s language', async () => {
    const before = twilio.received.length;
    const { jobId, trackerToken } = await createJob(org.ctx, {
      ...sampleJob('SMS-1'),
      customer: { name: 'Sanne', phone: '06 12345678', locale: 'nl' },
      workflowId: org.workflowId,
    });
    await createJob(org.ctx, { ...sampleJob('SMS-NONE'), workflowId: org.workflowId });
    expect(await tick()).toBe(1);
    const got = twilio.received.slice(before);
    expect(got).toHaveLength(1);
    expect(got[0]?.to).toBe('+31612345678');
    expect(got[0]?.body).toBe(`Garage "De Hoek": volg SMS-1 live via http://tracker.test/t/${trackerToken}`);
    const [row] = await messagesOf(jobId);
    expect(row).toMatchObject({ kind: 'link', status: 'sent', attempts: 1, segments: 1 });
    expect(smsSegments(row?.body ?? '').encoding).toBe('GSM-7');
    // Read again, nothing more: the cursor moved with the messages.
    expect(await tick()).toBe(0);
    expect(twilio.received.length).toBe(before + 1);
  });

  it('texts when approval is needed, and when the last step starts (once)', async () => {
    const { jobId } = await createJob(org.ctx, {
      ...sampleJob('SMS-2'),
      customer: { name: 'Sam', phone: '+44 7911 123456', locale: 'en' },
      workflowId: org.workflowId,
    });
    await tick();
    const jobSteps = await rt.database.db
      .select()
      .from(steps)
      .where(eq(steps.jobId, jobId))
      .orderBy(steps.position);
    const [first, second, last] = jobSteps.map((s) => s.id) as [string, string, string];
    const before = twilio.received.length;
    await changeStepStatus(org.ctx, jobId, first, 'start');
    const line = await addCostLine(org.ctx, jobId, {
      kind: 'part',
      description: 'Brake pads',
      quantityMilli: 1000,
      unitPriceCents: 8000,
      vatRateBp: 2100,
      state: 'awaiting_approval',
      stepId: first,
      explanation: 'Worn down to the metal.',
    });
    await tick();
    expect(twilio.received.slice(before).map((m) => m.body)).toEqual([
      expect.stringMatching(
        new RegExp(
          `^Garage "De Hoek": your approval is needed for extra work on SMS-2: http://tracker\\.test/t/\\S+#approval-${line.id}$`,
        ),
      ),
    ]);
    await removeCostLine(org.ctx, jobId, line.id);
    await changeStepStatus(org.ctx, jobId, first, 'finish');
    await changeStepStatus(org.ctx, jobId, second, 'start');
    await changeStepStatus(org.ctx, jobId, second, 'finish');
    await changeStepStatus(org.ctx, jobId, last, 'start');
    await changeStepStatus(org.ctx, jobId, last, 'block', { reason: 'Waiting for a part' });
    await tick();
    await changeStepStatus(org.ctx, jobId, last, 'start');
    await tick();
    const bodies = twilio.received.slice(before).map((m) => m.body);
    expect(bodies).toHaveLength(2);
    expect(bodies[1]).toMatch(
      /^Garage "De Hoek": SMS-2 is in its last step \(Klaar voor ophalen\)\. Follow it here: http:\/\/tracker\.test\/t\/\S+$/,
    );
    expect((await messagesOf(jobId)).map((m) => m.kind).sort()).toEqual(['approval', 'link', 'on_its_way']);
  });

  it('obeys the customer’s choices: no approval or progress texts once they said no', async () => {
    const { jobId } = await createJob(org.ctx, {
      ...sampleJob('SMS-PREF'),
      customer: { name: 'Pim', phone: '0612345690' },
      workflowId: org.workflowId,
    });
    await writeTransaction(rt.database.db, (tx) =>
      setPreferences(tx, jobId, { sms: { approval: false, progress: false } }, clock.now()),
    );
    const jobSteps = await rt.database.db
      .select()
      .from(steps)
      .where(eq(steps.jobId, jobId))
      .orderBy(steps.position);
    const [first, second, last] = jobSteps.map((s) => s.id) as [string, string, string];
    await addCostLine(org.ctx, jobId, {
      kind: 'part',
      description: 'Wiper',
      quantityMilli: 1000,
      unitPriceCents: 1500,
      vatRateBp: 2100,
      state: 'awaiting_approval',
      explanation: 'Torn.',
    });
    for (const step of [first, second]) {
      await changeStepStatus(org.ctx, jobId, step, 'start');
      await changeStepStatus(org.ctx, jobId, step, 'finish');
    }
    await changeStepStatus(org.ctx, jobId, last, 'start');
    await tick();
    // Only the tracker link, which is always sent.
    expect((await messagesOf(jobId)).map((m) => m.kind)).toEqual(['link']);
  });

  it('tries again after a temporary refusal, with a growing wait', async () => {
    const { jobId } = await createJob(org.ctx, {
      ...sampleJob('SMS-3'),
      customer: { name: 'Kim', phone: '0612345679' },
      workflowId: org.workflowId,
    });
    twilio.next.tooManyRequests();
    twilio.next.serverError();
    expect(await tick()).toBe(0);
    let [row] = await messagesOf(jobId);
    expect(row).toMatchObject({ status: 'pending', attempts: 1, lastError: '20429: Too Many Requests' });
    expect(row?.nextAttemptAt).toBe(clock.now() + (SMS_RETRY_DELAYS_MS[0] ?? 0));
    expect(await tick()).toBe(0); // Not due yet.
    clock.advance(SMS_RETRY_DELAYS_MS[0] ?? 0);
    expect(await tick()).toBe(0);
    [row] = await messagesOf(jobId);
    expect(row).toMatchObject({ status: 'pending', attempts: 2 });
    expect(row?.nextAttemptAt).toBe(clock.now() + (SMS_RETRY_DELAYS_MS[1] ?? 0));
    clock.advance(SMS_RETRY_DELAYS_MS[1] ?? 0);
    expect(await tick()).toBe(1);
    [row] = await messagesOf(jobId);
    expect(row).toMatchObject({ status: 'sent', attempts: 3, lastError: null });
  });

  it('gives up after the last retry', async () => {
    const { jobId } = await createJob(org.ctx, {
      ...sampleJob('SMS-4'),
      customer: { name: 'Lou', phone: '0612345680' },
      workflowId: org.workflowId,
    });
    await enqueueSmsForNewEvents(rt.database.db, clock, rt.config.publicUrl);
    for (let i = 0; i <= SMS_RETRY_DELAYS_MS.length; i++) {
      twilio.next.serverError();
      await sendDueSms(rt.database.db, clock, provider);
      clock.advance(SMS_RETRY_DELAYS_MS[i] ?? 0);
    }
    const [row] = await messagesOf(jobId);
    expect(row).toMatchObject({ status: 'failed', attempts: SMS_RETRY_DELAYS_MS.length + 1 });
    // A provider failure is not the number's fault.
    expect((await smsStateForJob(org.ctx, { id: jobId, customerPhone: '0612345680' })).failing).toBeNull();
  });

  it('marks a number refused for good as failing: staff see it, nothing more is sent to it', async () => {
    const { jobId } = await createJob(org.ctx, {
      ...sampleJob('SMS-5'),
      customer: { name: 'Ari', phone: '0612345681' },
      workflowId: org.workflowId,
    });
    twilio.next.invalidNumber('+31612345681');
    await tick();
    const [row] = await messagesOf(jobId);
    expect(row).toMatchObject({ status: 'failed', attempts: 1 });
    const state = await smsStateForJob(org.ctx, { id: jobId, customerPhone: '0612345681' });
    expect(state.failing).toMatchObject({ phone: '+31612345681', reason: expect.stringContaining('21211') });
    expect(state.recent[0]).toMatchObject({ kind: 'link', status: 'failed' });
    const error = await refusal(queueTrackerLinkSms(org.ctx, jobId, rt.config.publicUrl));
    expect(error.code).toBe('sms_number_failing');
    // Another job with the same number: nothing is queued for it.
    const other = await createJob(org.ctx, {
      ...sampleJob('SMS-6'),
      customer: { name: 'Ari', phone: '+31 6 12345681' },
      workflowId: org.workflowId,
    });
    await tick();
    expect(await messagesOf(other.jobId)).toEqual([]);
    const failing = await rt.database.db.select().from(smsFailingNumbers);
    expect(failing).toHaveLength(1);
  });

  it('lets staff send the link again, once a minute, only to a valid number of their own job', async () => {
    const { jobId } = await createJob(org.ctx, {
      ...sampleJob('SMS-7'),
      customer: { name: 'Noor', phone: '0612345682' },
      workflowId: org.workflowId,
    });
    await tick();
    expect((await refusal(queueTrackerLinkSms(org.ctx, jobId, rt.config.publicUrl))).code).toBe(
      'sms_just_sent',
    );
    clock.advance(61_000);
    await queueTrackerLinkSms(org.ctx, jobId, rt.config.publicUrl);
    const before = twilio.received.length;
    expect(await tick()).toBe(1);
    expect(twilio.received[before]?.to).toBe('+31612345682');
    const none = await createJob(org.ctx, { ...sampleJob('SMS-8'), workflowId: org.workflowId });
    expect((await refusal(queueTrackerLinkSms(org.ctx, none.jobId, rt.config.publicUrl))).code).toBe(
      'sms_no_number',
    );
    const stranger = await makeOrganisation(rt);
    expect((await refusal(queueTrackerLinkSms(stranger.ctx, jobId, rt.config.publicUrl))).kind).toBe(
      'not_found',
    );
  });
});
