import { beforeAll, describe, expect, it } from 'vitest';
import { makeOrganisation, sampleJob, type TestOrg } from '../helpers';
import { startProduct } from '../server';
import { readSse, type Sse } from '../sse';

/**
 * Live tracker viewers get what changed rendered by the server once per event and language, in the event
 * itself (docs/decisions/tracker-regions-rendered-once.md), against the real server (dist/server.mjs).
 * Each live render is numbered by the process (`render`), so viewers holding the same number got the
 * same render.
 */
let product: Awaited<ReturnType<typeof startProduct>>;
let org: TestOrg;

beforeAll(async () => {
  product = await startProduct();
  org = await makeOrganisation(product.rt);
});

async function api(method: string, path: string, body?: unknown) {
  const response = await fetch(`${product.url}/api/v1${path}`, {
    method,
    headers: {
      authorization: `Bearer ${org.key}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  expect(response.status, `${method} ${path}`).toBeLessThan(300);
  return response.json();
}

async function viewer(token: string, lang?: 'nl' | 'en'): Promise<Sse> {
  const controller = new AbortController();
  const query = lang ? `?lang=${lang}` : '';
  const response = await fetch(`${product.url}/api/v1/track/${token}/events${query}`, {
    signal: controller.signal,
  });
  expect(response.status).toBe(200);
  const sse = readSse(response.body as ReadableStream<Uint8Array>, () => controller.abort());
  await sse.until((s) => s.retry !== null);
  return sse;
}

type Rendered = { type: string; render?: number; regions?: { headline: string; tracker: string } };

describe('one render per event, not per viewer', () => {
  it('renders once per event and language for many viewers; each sees its own language', async () => {
    const created = await api('POST', '/jobs', { ...sampleJob(), workflowId: org.workflowId });
    const token = new URL(created.trackerUrl).pathname.split('/').pop() as string;
    const dutch = await Promise.all(Array.from({ length: 6 }, () => viewer(token, 'nl')));
    const english = await Promise.all(Array.from({ length: 4 }, () => viewer(token, 'en')));
    const plain = await viewer(token);
    const all = [...dutch, ...english, plain];

    // The job's creation is before the viewers came: the backlog, sent as the log holds it.
    const live = (s: Sse) =>
      s.events.filter((e) => e.json.type !== 'job.created').map((e) => e.json as Rendered);
    const intake = created.steps[0].id;
    await api('POST', `/jobs/${created.id}/steps/${intake}/start`);
    await Promise.all(all.map((s) => s.until((x) => live(x).length >= 1)));
    await api('POST', `/jobs/${created.id}/steps/${intake}/notes`, { markdown: 'De auto staat binnen.' });
    await Promise.all(all.map((s) => s.until((x) => live(x).some((e) => e.type === 'note.posted'))));
    const count = live(dutch[0] as Sse).length;
    expect(count).toBeGreaterThanOrEqual(2);
    expect(all.every((s) => live(s).length === count)).toBe(true);

    const renders = new Set<number>();
    for (let index = 0; index < count; index++) {
      const nl = dutch.map((s) => live(s)[index] as Rendered);
      const en = english.map((s) => live(s)[index] as Rendered);
      // Every Dutch viewer holds the same render and the same bytes, every English viewer the other one.
      expect(new Set(nl.map((e) => JSON.stringify(e))).size).toBe(1);
      expect(new Set(en.map((e) => JSON.stringify(e))).size).toBe(1);
      expect(typeof nl[0]?.render).toBe('number');
      expect(typeof en[0]?.render).toBe('number');
      expect(nl[0]?.render).not.toBe(en[0]?.render);
      renders.add(nl[0]?.render as number).add(en[0]?.render as number);
      expect(nl[0]?.regions?.tracker).toContain('data-live-region="tracker"');
      expect(nl[0]?.regions?.headline).toContain('data-live-region="headline"');
      // A reader of the stream that did not ask for regions gets the event alone.
      const bare = live(plain)[index];
      expect(bare).not.toHaveProperty('regions');
      expect(bare?.type).toBe(nl[0]?.type);
    }
    // Ten viewers, at most two renders per event (one per language; events committed together share one).
    expect(renders.size).toBeLessThanOrEqual(2 * count);
    expect(renders.size).toBeGreaterThanOrEqual(2);
    // Each language's own words: the started step's badge.
    const first = (s: Sse) => live(s)[0] as Rendered;
    expect(first(dutch[0] as Sse).regions?.tracker).toContain('Bezig');
    expect(first(dutch[0] as Sse).regions?.tracker).not.toContain('In progress');
    expect(first(english[0] as Sse).regions?.tracker).toContain('In progress');
    expect(first(english[0] as Sse).regions?.tracker).not.toContain('Bezig');
    for (const s of all) s.close();
  });

  it('resumes exactly after Last-Event-ID: the backlog is the log, without regions', async () => {
    const created = await api('POST', '/jobs', { ...sampleJob(), workflowId: org.workflowId });
    const token = new URL(created.trackerUrl).pathname.split('/').pop() as string;
    const live = await viewer(token, 'nl');
    const intake = created.steps[0].id;
    await api('POST', `/jobs/${created.id}/steps/${intake}/start`);
    await api('POST', `/jobs/${created.id}/steps/${intake}/notes`, { markdown: 'Binnen.' });
    await live.until((x) => x.events.some((e) => e.json.type === 'note.posted'));
    const ids = live.events.map((e) => Number(e.id));
    live.close();

    // Resume after the first event: exactly the rest, nothing twice, nothing missed.
    const response = await fetch(`${product.url}/api/v1/track/${token}/events?lang=nl`, {
      headers: { 'last-event-id': String(ids[0]) },
    });
    const resumed = readSse(response.body as ReadableStream<Uint8Array>);
    await resumed.until((x) => x.events.length >= ids.length - 1);
    expect(resumed.events.map((e) => Number(e.id))).toEqual(ids.slice(1));
    expect(resumed.events[0]?.json).not.toHaveProperty('regions');
    resumed.close();
  });
});
