import { eq } from 'drizzle-orm';
import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import { idempotencyKeys, notes } from '../../db/schema';
import { parseIdempotencyKey } from '../../src/api/idempotency';
import type { Runtime } from '../../src/runtime';
import { createApiKey } from '../../src/services/organisation/api-keys';
import {
  IDEMPOTENCY_KEY_TTL_MS,
  IDEMPOTENCY_LEASE_MS,
  sweepIdempotencyKeys,
} from '../../src/services/platform/idempotency';
import { newId } from '../../src/services/platform/ids';
import { findTrackedJob } from '../../src/services/tracker/tracker';
import { apiClient, fakeClock, makeOrganisation, sampleJob, type TestOrg, testRuntime } from '../helpers';

const clock = fakeClock();
let rt: Runtime;
let call: ReturnType<typeof apiClient>;
let org: TestOrg;
let other: TestOrg;
let secondKey: { id: string; key: string };

beforeAll(async () => {
  rt = await testRuntime({ clock });
  call = apiClient(rt);
  org = await makeOrganisation(rt);
  other = await makeOrganisation(rt);
  secondKey = await createApiKey(rt.database.db, rt.clock, org.id, 'second system');
});

const errorShape = {
  error: { code: expect.any(String), message: expect.any(String) },
  requestId: expect.any(String),
};

const keyed = (key: string) => ({ 'idempotency-key': `"${key}"` });
const uniqueKey = () => crypto.randomUUID();

async function newJob(key = org.key) {
  const res = await call('POST', '/jobs', { key, body: { ...sampleJob(), workflowId: org.workflowId } });
  expect(res.status).toBe(201);
  return res.json as { id: string; reference: string; trackerUrl: string; steps: { id: string }[] };
}

const readJob = async (jobId: string, key = org.key) => (await call('GET', `/jobs/${jobId}`, { key })).json;

describe('a retried note', () => {
  it('is stored once, and every retry gets the first answer', async () => {
    const job = await newJob();
    const path = `/jobs/${job.id}/steps/${job.steps[0]?.id}/notes`;
    const headers = keyed(uniqueKey());
    const body = { markdown: 'Remblokken vervangen.' };
    const answers = [];
    for (let i = 0; i < 3; i++) answers.push(await call('POST', path, { key: org.key, body, headers }));

    expect(answers.map((a) => a.status)).toEqual([201, 201, 201]);
    expect(answers[1]?.json).toEqual(answers[0]?.json);
    expect(answers[2]?.json).toEqual(answers[0]?.json);
    expect(answers.map((a) => a.headers.get('idempotent-replayed'))).toEqual([null, 'true', 'true']);
    expect(answers[2]?.headers.get('content-type')).toMatch(/application\/json/);
    expect((await readJob(job.id)).notes).toHaveLength(1);
    const log = await call('GET', `/jobs/${job.id}/events`, { key: org.key });
    expect(log.json.events.filter((e: { type: string }) => e.type === 'note.posted')).toHaveLength(1);
  });

  it('without a key, each post is a new note (the header is optional)', async () => {
    const job = await newJob();
    const path = `/jobs/${job.id}/steps/${job.steps[0]?.id}/notes`;
    await call('POST', path, { key: org.key, body: { markdown: 'Een.' } });
    await call('POST', path, { key: org.key, body: { markdown: 'Een.' } });
    expect((await readJob(job.id)).notes).toHaveLength(2);
  });

  it('sent many times at once, is stored once: the others wait for it and get its answer', async () => {
    const job = await newJob();
    const path = `/jobs/${job.id}/steps/${job.steps[0]?.id}/notes`;
    const headers = keyed(uniqueKey());
    const answers = await Promise.all(
      Array.from({ length: 5 }, () =>
        call('POST', path, { key: org.key, body: { markdown: 'Tegelijk.' }, headers }),
      ),
    );
    expect(answers.map((a) => a.status)).toEqual([201, 201, 201, 201, 201]);
    expect(new Set(answers.map((a) => a.json.id)).size).toBe(1);
    expect(answers.filter((a) => a.headers.get('idempotent-replayed') === null)).toHaveLength(1);
    expect((await readJob(job.id)).notes).toHaveLength(1);
  });
});

describe('a retried cost line', () => {
  it('leaves the bill as it was after the first', async () => {
    const job = await newJob();
    const headers = keyed(uniqueKey());
    const body = { kind: 'part', description: 'Remblokken', quantity: 2, unitPriceCents: 4250, vatRate: 21 };
    const first = await call('POST', `/jobs/${job.id}/cost-lines`, { key: org.key, body, headers });
    expect(first.status).toBe(201);
    const billBefore = (await readJob(job.id)).totals;
    const retry = await call('POST', `/jobs/${job.id}/cost-lines`, { key: org.key, body, headers });
    expect(retry.status).toBe(201);
    expect(retry.json).toEqual(first.json);
    const after = await readJob(job.id);
    expect(after.costLines).toHaveLength(1);
    expect(after.totals).toEqual(billBefore);
    expect(after.totals.grossCents).toBe(10285);
  });
});

describe('reusing a key', () => {
  it('for another body or another path is 422 idempotency_key_reused, and does nothing', async () => {
    const job = await newJob();
    const path = `/jobs/${job.id}/steps/${job.steps[0]?.id}/notes`;
    const headers = keyed(uniqueKey());
    expect((await call('POST', path, { key: org.key, body: { markdown: 'Eerste.' }, headers })).status).toBe(
      201,
    );
    const otherBody = await call('POST', path, { key: org.key, body: { markdown: 'Tweede.' }, headers });
    expect(otherBody.status).toBe(422);
    expect(otherBody.json).toMatchObject(errorShape);
    expect(otherBody.json.error.code).toBe('idempotency_key_reused');
    const otherPath = await call('POST', `/jobs/${job.id}/cost-lines`, {
      key: org.key,
      body: { kind: 'fee', description: 'x', quantity: 1, unitPriceCents: 100, vatRate: 21 },
      headers,
    });
    expect(otherPath.status).toBe(422);
    expect(otherPath.json.error.code).toBe('idempotency_key_reused');
    const after = await readJob(job.id);
    expect(after.notes).toHaveLength(1);
    expect(after.costLines).toHaveLength(0);
  });

  it('is independent per API key, and another organisation gets neither the answer nor the job', async () => {
    const job = await newJob();
    const path = `/jobs/${job.id}/steps/${job.steps[0]?.id}/notes`;
    const headers = keyed('shared-key-1');
    const body = { markdown: 'Per sleutel.' };
    const first = await call('POST', path, { key: org.key, body, headers });
    const second = await call('POST', path, { key: secondKey.key, body, headers });
    expect([first.status, second.status]).toEqual([201, 201]);
    expect(second.headers.get('idempotent-replayed')).toBeNull();
    expect(second.json.id).not.toBe(first.json.id);

    const stranger = await call('POST', path, { key: other.key, body, headers });
    expect(stranger.status).toBe(404);
    expect(stranger.json.error.code).toBe('not_found');
    expect(stranger.headers.get('idempotent-replayed')).toBeNull();
    expect(JSON.stringify(stranger.json)).not.toContain(first.json.id);
    expect((await readJob(job.id)).notes).toHaveLength(2);

    // A key one organisation used means nothing to another: its own request with it is new.
    const shared = keyed('shared-key-2');
    const ours = await call('POST', '/jobs', {
      key: org.key,
      body: { ...sampleJob(), workflowId: org.workflowId },
      headers: shared,
    });
    const theirs = await call('POST', '/jobs', {
      key: other.key,
      body: { ...sampleJob(), workflowId: other.workflowId },
      headers: shared,
    });
    expect([ours.status, theirs.status]).toEqual([201, 201]);
    expect(theirs.json.id).not.toBe(ours.json.id);
  });
});

describe('keys expire after 24 hours', () => {
  it('after which the same key and body do the work again, and the sweep removes old keys', async () => {
    const job = await newJob();
    const path = `/jobs/${job.id}/steps/${job.steps[0]?.id}/notes`;
    const headers = keyed(uniqueKey());
    const body = { markdown: 'Een dag later.' };
    const first = await call('POST', path, { key: org.key, body, headers });
    clock.advance(IDEMPOTENCY_KEY_TTL_MS - 1);
    const withinDay = await call('POST', path, { key: org.key, body, headers });
    expect(withinDay.headers.get('idempotent-replayed')).toBe('true');
    expect(withinDay.json.id).toBe(first.json.id);

    clock.advance(1);
    const nextDay = await call('POST', path, { key: org.key, body, headers });
    expect(nextDay.status).toBe(201);
    expect(nextDay.headers.get('idempotent-replayed')).toBeNull();
    expect(nextDay.json.id).not.toBe(first.json.id);
    expect((await readJob(job.id)).notes).toHaveLength(2);

    clock.advance(IDEMPOTENCY_KEY_TTL_MS);
    expect(await sweepIdempotencyKeys({ db: rt.database.db, clock: rt.clock })).toBeGreaterThan(0);
    expect(await rt.database.db.select().from(idempotencyKeys)).toEqual([]);
  });
});

describe('answers that are not successes', () => {
  it('a 4xx is kept and replayed (the draft: the result, success or error); fixing the request needs a new key', async () => {
    const job = await newJob();
    const path = `/jobs/${job.id}/steps/${job.steps[0]?.id}/notes`;
    const headers = keyed(uniqueKey());
    const invalid = await call('POST', path, { key: org.key, body: { markdown: '' }, headers });
    expect(invalid.status).toBe(422);
    expect(invalid.json.error.code).toBe('invalid_input');
    const again = await call('POST', path, { key: org.key, body: { markdown: '' }, headers });
    expect(again.status).toBe(422);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(again.json).toEqual(invalid.json);

    const unknownStep = `/jobs/${job.id}/steps/step_nope/notes`;
    const missing = await call('POST', unknownStep, {
      key: org.key,
      body: { markdown: 'x' },
      headers: keyed('k-404'),
    });
    expect(missing.status).toBe(404);
    const missingAgain = await call('POST', unknownStep, {
      key: org.key,
      body: { markdown: 'x' },
      headers: keyed('k-404'),
    });
    expect(missingAgain.headers.get('idempotent-replayed')).toBe('true');
  });

  it('a malformed key is 400 invalid_idempotency_key', async () => {
    const job = await newJob();
    const path = `/jobs/${job.id}/steps/${job.steps[0]?.id}/notes`;
    for (const bad of [
      '""',
      `"${'a'.repeat(256)}"`,
      'two words',
      '"a", "b"',
      '"unterminated',
      '"tab\there"',
    ]) {
      const res = await call('POST', path, {
        key: org.key,
        body: { markdown: 'x' },
        headers: { 'idempotency-key': bad },
      });
      expect(res.status, bad).toBe(400);
      expect(res.json).toMatchObject(errorShape);
      expect(res.json.error.code).toBe('invalid_idempotency_key');
    }
    expect((await readJob(job.id)).notes).toHaveLength(0);
  });

  it('parses the sf-string of the draft, and a bare key', () => {
    expect(parseIdempotencyKey('"8e03978e-40d5-43e8-bc93-6894a57f9324"')).toBe(
      '8e03978e-40d5-43e8-bc93-6894a57f9324',
    );
    expect(parseIdempotencyKey('8e03978e-40d5-43e8-bc93-6894a57f9324')).toBe(
      '8e03978e-40d5-43e8-bc93-6894a57f9324',
    );
    expect(parseIdempotencyKey('"with space and \\"quote\\""')).toBe('with space and "quote"');
    expect(parseIdempotencyKey(`"${'k'.repeat(255)}"`)).toHaveLength(255);
    expect(parseIdempotencyKey('"é"')).toBeNull();
  });
});

describe('creating a job', () => {
  it('retried, returns the first job with its tracker link, and creates one job', async () => {
    const headers = keyed(uniqueKey());
    const body = { ...sampleJob(), workflowId: org.workflowId };
    const first = await call('POST', '/jobs', { key: org.key, body, headers });
    expect(first.status).toBe(201);
    const retry = await call('POST', '/jobs', { key: org.key, body, headers });
    expect(retry.status).toBe(201);
    expect(retry.headers.get('idempotent-replayed')).toBe('true');
    expect(retry.json.id).toBe(first.json.id);
    expect(retry.json.trackerUrl).toBe(first.json.trackerUrl);
    expect(retry.headers.get('location')).toBe(`/api/v1/jobs/${first.json.id}`);
    const found = await call('GET', `/jobs?q=${encodeURIComponent(body.reference)}`, { key: org.key });
    expect(found.json.jobs).toHaveLength(1);

    // The tracker link is a capability: kept sealed, never in plaintext in the database.
    const token = first.json.trackerUrl.split('/t/')[1];
    const rows = await rt.database.db.select().from(idempotencyKeys);
    expect(rows.length).toBeGreaterThan(0);
    expect(JSON.stringify(rows)).not.toContain(token);
  });

  it('with a taken reference, 409 reference_taken names the existing job', async () => {
    const job = await newJob();
    const again = await call('POST', '/jobs', {
      key: org.key,
      body: { ...sampleJob(job.reference), workflowId: org.workflowId },
    });
    expect(again.status).toBe(409);
    expect(again.json).toMatchObject(errorShape);
    expect(again.json.error).toMatchObject({ code: 'reference_taken', details: { jobId: job.id } });
  });
});

describe("re-issuing a job's tracker link", () => {
  it('gives a new link; the old one stops working; a retry with the key gets the same new link', async () => {
    const job = await newJob();
    const oldToken = job.trackerUrl.split('/t/')[1] as string;
    expect(await findTrackedJob(rt.database.db, oldToken)).not.toBeNull();

    const headers = keyed(uniqueKey());
    const made = await call('POST', `/jobs/${job.id}/tracker-link`, { key: org.key, headers });
    expect(made.status).toBe(200);
    expect(made.json.trackerUrl).toMatch(/^http:\/\/tracker\.test\/t\/[A-Za-z0-9_-]{32}$/);
    expect(made.json.trackerUrl).not.toBe(job.trackerUrl);
    const newToken = made.json.trackerUrl.split('/t/')[1] as string;

    expect(await findTrackedJob(rt.database.db, oldToken)).toBeNull();
    const oldStream = await call('GET', `/track/${oldToken}/events`);
    expect(oldStream.status).toBe(404);
    expect((await findTrackedJob(rt.database.db, newToken))?.job.id).toBe(job.id);

    const retry = await call('POST', `/jobs/${job.id}/tracker-link`, { key: org.key, headers });
    expect(retry.json.trackerUrl).toBe(made.json.trackerUrl);
    expect(retry.headers.get('idempotent-replayed')).toBe('true');
    expect((await findTrackedJob(rt.database.db, newToken))?.job.id).toBe(job.id);
  });

  it('needs a write key and the job of the key’s organisation', async () => {
    const job = await newJob();
    expect((await call('POST', `/jobs/${job.id}/tracker-link`, { key: org.readKey })).status).toBe(403);
    const stranger = await call('POST', `/jobs/${job.id}/tracker-link`, { key: other.key });
    expect(stranger.status).toBe(404);
    expect(stranger.json).toMatchObject(errorShape);
    expect(await findTrackedJob(rt.database.db, job.trackerUrl.split('/t/')[1] as string)).not.toBeNull();
  });
});

describe('the other creating POSTs', () => {
  it('embed tokens and workflows replay their first answer', async () => {
    const job = await newJob();
    const headers = keyed(uniqueKey());
    const token = await call('POST', `/jobs/${job.id}/embed-tokens`, { key: org.key, body: {}, headers });
    expect(token.status).toBe(201);
    clock.advance(1000);
    const tokenAgain = await call('POST', `/jobs/${job.id}/embed-tokens`, {
      key: org.key,
      body: {},
      headers,
    });
    expect(tokenAgain.json.token).toBe(token.json.token);

    const workflow = { name: `Idempotent ${uniqueKey()}`, steps: [{ title: 'Een' }] };
    const wfHeaders = keyed(uniqueKey());
    const first = await call('POST', '/workflows', { key: org.key, body: workflow, headers: wfHeaders });
    const second = await call('POST', '/workflows', { key: org.key, body: workflow, headers: wfHeaders });
    expect([first.status, second.status]).toEqual([201, 201]);
    expect(second.json.id).toBe(first.json.id);
    const list = await call('GET', '/workflows', { key: org.key });
    expect(list.json.workflows.filter((w: { name: string }) => w.name === workflow.name)).toHaveLength(1);
  });

  it('an image upload holds a lease: 409 while the first runs, taken over after the lease, replayed once done', async () => {
    const image = new Uint8Array(
      await sharp({ create: { width: 40, height: 30, channels: 3, background: '#3c3' } })
        .png()
        .toBuffer(),
    );
    const app = (await import('../../src/api')).createApi(rt);
    const upload = (key: string) =>
      app.request('/api/v1/media', {
        method: 'POST',
        headers: {
          authorization: `Bearer ${org.key}`,
          'content-type': 'image/png',
          'idempotency-key': `"${key}"`,
        },
        body: image,
      });

    const first = await upload('photo-1');
    expect(first.status).toBe(201);
    const stored = (await first.json()) as { id: string };
    const retry = await upload('photo-1');
    expect(retry.headers.get('idempotent-replayed')).toBe('true');
    expect(((await retry.json()) as { id: string }).id).toBe(stored.id);

    // A first attempt that is still running (or died) with photo-2: its claim holds until the lease ends.
    // Same path and body, so the same fingerprint as photo-1's.
    const [done] = await rt.database.db
      .select()
      .from(idempotencyKeys)
      .where(eq(idempotencyKeys.key, 'photo-1'));
    if (!done) throw new Error('photo-1 was not kept');
    await rt.database.db.insert(idempotencyKeys).values({
      apiKeyId: done.apiKeyId,
      key: 'photo-2',
      fingerprint: done.fingerprint,
      state: 'in_flight',
      leaseOwner: newId('lease'),
      leaseUntil: clock.now() + IDEMPOTENCY_LEASE_MS,
      createdAt: clock.now(),
    });

    const busy = await upload('photo-2');
    expect(busy.status).toBe(409);
    expect(((await busy.json()) as { error: { code: string } }).error.code).toBe('idempotency_key_in_flight');
    expect(Number(busy.headers.get('retry-after'))).toBe(IDEMPOTENCY_LEASE_MS / 1000);

    clock.advance(IDEMPOTENCY_LEASE_MS);
    const takenOver = await upload('photo-2');
    expect(takenOver.status).toBe(201);
    expect(takenOver.headers.get('idempotent-replayed')).toBeNull();
    const row = (
      await rt.database.db.select().from(idempotencyKeys).where(eq(idempotencyKeys.key, 'photo-2'))
    )[0];
    expect(row?.state).toBe('done');
  });
});

describe('the OpenAPI document', () => {
  it('lists the header, 409 and 422 on every creating POST, and the replay marker', async () => {
    const doc = (await call('GET', '/openapi.json')).json;
    for (const path of [
      '/jobs',
      '/jobs/{jobId}/steps/{stepId}/notes',
      '/jobs/{jobId}/cost-lines',
      '/jobs/{jobId}/embed-tokens',
      '/jobs/{jobId}/tracker-link',
      '/workflows',
      '/media',
    ]) {
      const op = doc.paths[path].post;
      const header = op.parameters.find((p: { in: string; name: string }) => p.in === 'header');
      expect(header, path).toMatchObject({ name: 'Idempotency-Key', required: false });
      expect(Object.keys(op.responses), path).toEqual(expect.arrayContaining(['400', '409', '422']));
      const success = Object.entries(op.responses).find(([s]) => s.startsWith('2'))?.[1] as {
        headers: Record<string, unknown>;
      };
      expect(success.headers, path).toHaveProperty('idempotent-replayed');
    }
    expect(doc.paths['/jobs'].get.parameters ?? []).not.toContainEqual(
      expect.objectContaining({ name: 'Idempotency-Key' }),
    );
  });
});

describe('write and answer commit together', () => {
  it('a note whose answer is not kept (a 5xx) is rolled back with it', async () => {
    const { answerOnce } = await import('../../src/services/platform/idempotency');
    const { postNote } = await import('../../src/services/steps/post-note');
    const job = await newJob();
    const stepId = job.steps[0]?.id as string;
    const ctx = { ...org.ctx, actor: { type: 'api_key' as const, id: secondKey.id } };
    const request = { apiKeyId: secondKey.id, key: 'fails-after-write', fingerprint: 'f' };
    let runs = 0;
    const failing = await answerOnce(ctx, request, async (inTx) => {
      runs++;
      await postNote(inTx, job.id, stepId, { markdown: 'Half af.', visibility: 'customer' });
      return { status: 503, headers: {}, body: '{}' };
    });
    expect(failing).toMatchObject({ kind: 'answered', kept: false });
    expect(await rt.database.db.select().from(notes).where(eq(notes.jobId, job.id))).toEqual([]);

    const retried = await answerOnce(ctx, request, async (inTx) => {
      runs++;
      await postNote(inTx, job.id, stepId, { markdown: 'Nu wel.', visibility: 'customer' });
      return { status: 201, headers: { 'content-type': 'application/json' }, body: '{"ok":true}' };
    });
    expect(retried).toMatchObject({ kind: 'answered', kept: true });
    expect(runs).toBe(2);
    expect(await rt.database.db.select().from(notes).where(eq(notes.jobId, job.id))).toHaveLength(1);
    const replay = await answerOnce(ctx, request, async () => {
      throw new Error('must not run again');
    });
    expect(replay).toMatchObject({ kind: 'replay', answer: { status: 201, body: '{"ok":true}' } });
  });
});

describe('with SECRET_KEY set', () => {
  it('a keyed job seals its tracker link with that key, so staff can copy the link later', async () => {
    const { trackerToken } = await import('../../src/services/jobs/job-admin');
    const keyedRt = await testRuntime({ config: { secretKey: 'a-secret-the-operator-chose-0123456789' } });
    const keyedOrg = await makeOrganisation(keyedRt);
    const res = await apiClient(keyedRt)('POST', '/jobs', {
      key: keyedOrg.key,
      body: { ...sampleJob(), workflowId: keyedOrg.workflowId },
      headers: keyed(uniqueKey()),
    });
    expect(res.status).toBe(201);
    expect(await trackerToken(keyedOrg.ctx, res.json.id)).toBe(res.json.trackerUrl.split('/t/')[1]);
  });
});
