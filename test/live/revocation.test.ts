import { eq } from 'drizzle-orm';
import { createParser, type EventSourceMessage } from 'eventsource-parser';
import { beforeAll, describe, expect, it } from 'vitest';
import { specialists } from '../../db/schema';
import { contextFor } from '../../src/runtime';
import { createJob } from '../../src/services/jobs/create-job';
import { reissueTrackerToken } from '../../src/services/jobs/job-admin';
import { getJob } from '../../src/services/jobs/read-job';
import { createWorkflow } from '../../src/services/organisation/workflows';
import { inviteSpecialist, setActive } from '../../src/services/staff/team';
import { postNote } from '../../src/services/steps/post-note';
import { issueEmbedToken } from '../../src/services/tracker/widget';
import { consoleClient, signedUpAdmin } from '../console-client';
import { makeOrganisation, roleIdFor, sampleJob, type TestOrg } from '../helpers';
import { startProduct } from '../server';

/**
 * Revocation reaches open streams: on the real server (a child process), a stream whose grant is taken
 * away gets `event: revoked` with the reason and ends; nothing after it. What the test writes reaches
 * the server through its log tail, as from another app process.
 */
let product: Awaited<ReturnType<typeof startProduct>>;
let org: TestOrg;

beforeAll(async () => {
  product = await startProduct();
  org = await makeOrganisation(product.rt);
  org.ctx = contextFor(product.rt, org.id, { type: 'system', id: null });
  org.ctx.afterCommit = undefined;
});

type Stream = {
  status: number;
  events: EventSourceMessage[];
  ended: boolean;
  until(check: () => boolean, ms?: number): Promise<void>;
  close(): void;
};

async function open(path: string, headers: Record<string, string> = {}): Promise<Stream> {
  const controller = new AbortController();
  const response = await fetch(`${product.url}${path}`, { headers, signal: controller.signal });
  const stream: Stream = {
    status: response.status,
    events: [],
    ended: false,
    async until(check, ms = 5000) {
      const deadline = Date.now() + ms;
      while (!check()) {
        if (Date.now() > deadline)
          throw new Error(`condition not met; got ${stream.events.map((e) => e.event ?? 'message')}`);
        await new Promise((r) => setTimeout(r, 10));
      }
    },
    close: () => controller.abort(),
  };
  const parser = createParser({ onEvent: (e) => stream.events.push(e) });
  const reader = response.body?.getReader();
  const decoder = new TextDecoder();
  void (async () => {
    for (;;) {
      const { done, value } = (await reader?.read().catch(() => null)) ?? { done: true, value: undefined };
      if (done) break;
      parser.feed(decoder.decode(value, { stream: true }));
    }
    stream.ended = true;
  })();
  return stream;
}

const types = (s: Stream) => s.events.map((e) => (e.event ? e.event : JSON.parse(e.data).type));
const revokedWith = (s: Stream) => {
  const last = s.events.at(-1);
  return last?.event === 'revoked' ? (JSON.parse(last.data) as { reason: string }).reason : null;
};

async function trackedJob() {
  const { jobId, trackerToken } = await createJob(org.ctx, { ...sampleJob(), workflowId: org.workflowId });
  const [first] = (await getJob(org.ctx, jobId)).steps;
  return { jobId, token: trackerToken, stepId: first?.id ?? '' };
}

describe('revocation reaches open streams', () => {
  it('ends tracker and widget streams of a re-issued link, and not the new link’s', async () => {
    const job = await trackedJob();
    const tracker = await open(`/api/v1/track/${job.token}/events`);
    const widget = await open(`/api/v1/widget/jobs/${job.token}/events`);
    const embed = await open(
      `/api/v1/widget/jobs/${(await issueEmbedToken(org.ctx, job.jobId)).token}/events`,
    );
    for (const s of [tracker, widget, embed]) await s.until(() => types(s).includes('job.created'));

    const fresh = await reissueTrackerToken(org.ctx, job.jobId);
    for (const s of [tracker, widget]) {
      await s.until(() => s.ended);
      expect(revokedWith(s)).toBe('link_reissued');
    }
    const renewed = await open(`/api/v1/track/${fresh}/events`);
    await renewed.until(() => types(renewed).includes('job.created'));
    await postNote(org.ctx, job.jobId, job.stepId, { markdown: 'Na de nieuwe link', visibility: 'customer' });
    for (const s of [renewed, embed]) await s.until(() => types(s).includes('note.posted'));
    expect(renewed.ended || embed.ended).toBe(false);
    for (const s of [tracker, widget]) expect(types(s)).toEqual(['job.created', 'revoked']);
    renewed.close();
    embed.close();
    // The old link is refused from now on.
    expect((await open(`/api/v1/track/${job.token}/events`)).status).toBe(404);
  });

  it('ends an embed token’s stream at its expiry', async () => {
    const job = await trackedJob();
    // The shortest token there is lives a minute; issued as if most of it had passed, it expires a few
    // seconds from now. Tokens carry whole seconds, so the expiry is put on one: the window is exactly
    // what the test chose, never the fraction of a second that rounding down could leave.
    // On a busy machine the stream may still ask after the expiry: then it must be refused (410) from
    // its expiry on, never before, and the test tries again with twice the time.
    for (const seconds of [4, 8, 16, 32]) {
      const expiry = Math.ceil((Date.now() + seconds * 1000) / 1000) * 1000;
      const issuedEarlier = { ...org.ctx, clock: { now: () => expiry - 60_000 } };
      const { token, expiresAt } = await issueEmbedToken(issuedEarlier, job.jobId, 60);
      expect(expiresAt).toBe(expiry);
      const stream = await open(`/api/v1/widget/jobs/${token}/events`);
      if (stream.status === 410) {
        expect(Date.now()).toBeGreaterThanOrEqual(expiresAt);
        continue;
      }
      // Open, and live: the job's history arrives, then nothing ends it until its expiry.
      expect(stream.status).toBe(200);
      await stream.until(() => types(stream).includes('job.created'), 60_000);
      await stream.until(() => stream.ended, expiresAt - Date.now() + 60_000);
      expect(Date.now()).toBeGreaterThanOrEqual(expiresAt);
      expect(revokedWith(stream)).toBe('expired');
      expect(types(stream)).toEqual(['job.created', 'revoked']);
      return;
    }
    throw new Error('the machine was too busy: no stream opened before its token expired, in 32 s');
  });

  it('ends a staff member’s console streams when they sign out, here or everywhere', async () => {
    const admin = await signedUpAdmin(product.url, product.rt, 'Garage Uitlog');
    const { jobId } = await createJob(admin.ctx, { ...sampleJob(), workflowId: await workflowOf(admin.ctx) });
    const cookie = () => ({ cookie: [...admin.client.jar].map(([k, v]) => `${k}=${v}`).join('; ') });
    const board = await open('/console/live/events', cookie());
    const page = await open(`/console/live/jobs/${jobId}/events`, cookie());
    const other = consoleClient(product.url);
    expect((await other.post('/console/sign-in', { email: admin.email, password: PASSWORD })).status).toBe(
      303,
    );
    const elsewhere = await open(
      '/console/live/events',
      Object.fromEntries([['cookie', [...other.jar].map(([k, v]) => `${k}=${v}`).join('; ')]]),
    );
    for (const s of [board, page, elsewhere]) expect(s.status).toBe(200);

    // Signing out ends this session's streams only.
    expect((await admin.client.post('/console/sign-out', {})).status).toBe(303);
    for (const s of [board, page]) {
      await s.until(() => s.ended);
      expect(revokedWith(s)).toBe('signed_out');
    }
    await postNote(admin.ctx, jobId, (await getJob(admin.ctx, jobId)).steps[0]?.id ?? '', {
      markdown: 'intern, na het uitloggen',
      visibility: 'internal',
    });
    await elsewhere.until(() => types(elsewhere).includes('note.posted'));
    expect(types(board)).toEqual(['revoked']);

    // Everywhere: the other session's stream ends too.
    expect((await other.post('/console/sign-out', { everywhere: '1' })).status).toBe(303);
    await elsewhere.until(() => elsewhere.ended);
    expect(revokedWith(elsewhere)).toBe('signed_out');
  });

  it('ends a deactivated specialist’s streams before any later internal event reaches them', async () => {
    const admin = await signedUpAdmin(product.url, product.rt, 'Garage Uitschakel');
    const { token } = await inviteSpecialist(admin.ctx, {
      email: 'mo@uitschakel.example',
      name: 'Mo',
      roleId: await roleIdFor(admin.ctx, 'Monteur'),
      permission: 'specialist',
    });
    const mo = consoleClient(product.url);
    expect((await mo.post(`/console/invite/${token}`, { name: 'Mo', password: PASSWORD })).status).toBe(303);
    const [row] = await product.rt.database.db
      .select()
      .from(specialists)
      .where(eq(specialists.email, 'mo@uitschakel.example'));
    const { jobId } = await createJob(admin.ctx, { ...sampleJob(), workflowId: await workflowOf(admin.ctx) });
    const stepId = (await getJob(admin.ctx, jobId)).steps[0]?.id ?? '';
    const stream = await open('/console/live/events', {
      cookie: [...mo.jar].map(([k, v]) => `${k}=${v}`).join('; '),
    });
    expect(stream.status).toBe(200);
    await postNote(admin.ctx, jobId, stepId, { markdown: 'voor', visibility: 'internal' });
    await stream.until(() => types(stream).includes('note.posted'));

    // Written as another process would, back to back: the deactivation, then an internal note.
    const system = contextFor(product.rt, admin.organisationId, {
      type: 'specialist',
      id: admin.specialist.id,
    });
    system.afterCommit = undefined;
    await setActive(system, row?.id ?? '', false);
    await postNote(system, jobId, stepId, {
      markdown: 'geheim, na het uitschakelen',
      visibility: 'internal',
    });
    await stream.until(() => stream.ended);
    expect(revokedWith(stream)).toBe('signed_out');
    expect(types(stream)).toEqual(['note.posted', 'revoked']);
    expect(stream.events.map((e) => e.data).join()).not.toContain('geheim');
    // And it cannot come back.
    expect(
      (await open('/console/live/events', { cookie: [...mo.jar].map(([k, v]) => `${k}=${v}`).join('; ') }))
        .status,
    ).toBe(401);
  });
});

const PASSWORD = 'a password of some length';

const workflowOf = (ctx: TestOrg['ctx']) =>
  createWorkflow(ctx, { name: 'APK', steps: [{ title: 'Keuring' }] });
