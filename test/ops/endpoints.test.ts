import { beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../db/client';
import { checkDatabase, expectedMigrations } from '../../db/health';
import { migrateDatabase } from '../../db/migrate';
import { loadConfig } from '../../src/config';
import { createJob } from '../../src/services/jobs/create-job';
import { makeOrganisation, sampleJob, tempDatabaseUrl } from '../helpers';
import { startProduct } from '../server';

describe('database health (db/health.ts) on the test run’s database (libSQL, or PostgreSQL in test:pg)', () => {
  it('is not ready before the migrations, ready after, unreachable once closed', async () => {
    const database = await openDatabase(await tempDatabaseUrl());
    const before = await checkDatabase(database);
    expect(before).toMatchObject({ ok: false, reason: 'migrations_pending' });
    await migrateDatabase(database.db);
    const expected = expectedMigrations(database.dialect);
    expect(await checkDatabase(database)).toEqual({
      ok: true,
      appliedMigrations: expected.count,
      expectedMigrations: expected.count,
    });
    // A build that ships one more migration than this database has.
    const ahead = { count: expected.count + 1, newest: expected.newest + 1 };
    expect(await checkDatabase(database, ahead)).toMatchObject({ ok: false, reason: 'migrations_pending' });
    await database.close();
    expect(await checkDatabase(database)).toMatchObject({ ok: false, reason: 'unreachable' });
  });

  it('says unreachable when the database does not answer in time', async () => {
    const silent = { client: { execute: () => new Promise<never>(() => {}) } };
    const started = Date.now();
    expect(await checkDatabase(silent, { count: 0, newest: 0 }, 50)).toMatchObject({ reason: 'unreachable' });
    expect(Date.now() - started).toBeLessThan(1000);
  });
});

const METRICS_TOKEN = 'a-metrics-token-of-some-length';

describe('/healthz, /readyz and /metrics on the real server', () => {
  let product: Awaited<ReturnType<typeof startProduct>>;
  let trackerToken: string;
  let jobId: string;
  let key: string;

  beforeAll(async () => {
    product = await startProduct();
    const org = await makeOrganisation(product.rt);
    key = org.key;
    ({ trackerToken, jobId } = await createJob(org.ctx, { ...sampleJob(), workflowId: org.workflowId }));
  });

  it('answers liveness and readiness without a session, as JSON', async () => {
    const alive = await fetch(`${product.url}/healthz`);
    expect(alive.status).toBe(200);
    expect(await alive.json()).toEqual({ status: 'ok' });
    const ready = await fetch(`${product.url}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({
      status: 'ready',
      migrations: expectedMigrations(product.rt.database.dialect).count,
    });
    expect(ready.headers.get('cache-control')).toBe('no-store');
    expect((await fetch(`${product.url}/healthz`, { method: 'POST' })).status).toBe(405);
  });

  it('serves Prometheus text to loopback: routes by pattern, subscribers, event lag, outbox depths', async () => {
    // A live stream open, an event fanned out to it, and some API traffic.
    const controller = new AbortController();
    const stream = await fetch(`${product.url}/api/v1/track/${trackerToken}/events`, {
      signal: controller.signal,
    });
    expect(stream.status).toBe(200);
    await fetch(`${product.url}/api/v1/jobs`);
    await fetch(`${product.url}/api/v1/jobs`, { headers: { authorization: `Bearer ${key}` } });
    await fetch(`${product.url}/api/v1/jobs/${jobId}`, { headers: { authorization: `Bearer ${key}` } });
    const response = await fetch(`${product.url}/metrics`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = await response.text();
    controller.abort();
    expect(text).toMatch(/^openkitchen_live_subscribers 1$/m);
    expect(text).toMatch(
      /^openkitchen_http_requests_total\{method="GET",route="\/api\/v1\/jobs",status="200"\} 1$/m,
    );
    expect(text).toMatch(
      /^openkitchen_http_requests_total\{method="GET",route="\/api\/v1\/jobs",status="401"\} 1$/m,
    );
    expect(text).toMatch(
      /^openkitchen_http_requests_total\{method="GET",route="\/api\/v1\/track\/:token\/events",status="200"\} 1$/m,
    );
    expect(text).toMatch(
      /^openkitchen_http_request_duration_seconds_count\{method="GET",route="\/api\/v1\/jobs\/:jobId"\} 1$/m,
    );
    // No label carries a token or an id.
    expect(text).not.toContain(trackerToken);
    expect(text).not.toContain(jobId);
    for (const outbox of ['mail', 'webhooks', 'push', 'sms'])
      expect(text).toMatch(new RegExp(`^openkitchen_outbox_depth\\{outbox="${outbox}"\\} \\d+$`, 'm'));
    expect(text).toMatch(/^openkitchen_live_event_lag_seconds_count \d+$/m);
    expect(text).toMatch(/^openkitchen_process_resident_memory_bytes \d+/m);
  });

  it('refuses /metrics to a request that came through a proxy', async () => {
    const response = await fetch(`${product.url}/metrics`, { headers: { 'x-forwarded-for': '203.0.113.9' } });
    expect(response.status).toBe(403);
    expect(await response.json()).toMatchObject({ error: { code: 'forbidden' } });
  });
});

describe('/metrics with METRICS_TOKEN', () => {
  let product: Awaited<ReturnType<typeof startProduct>>;
  beforeAll(async () => {
    product = await startProduct({ METRICS_TOKEN });
  });

  it('needs the bearer token, even from loopback', async () => {
    expect((await fetch(`${product.url}/metrics`)).status).toBe(403);
    const wrong = await fetch(`${product.url}/metrics`, { headers: { authorization: 'Bearer wrong' } });
    expect(wrong.status).toBe(403);
    const right = await fetch(`${product.url}/metrics`, {
      headers: { authorization: `Bearer ${METRICS_TOKEN}` },
    });
    expect(right.status).toBe(200);
    expect(await right.text()).toContain('openkitchen_http_requests_total');
  });
});

describe('configuration of operations', () => {
  it('has defaults, and refuses a short metrics token', () => {
    expect(loadConfig({})).toMatchObject({
      logLevel: 'info',
      shutdown: { timeoutMs: 10_000, readyDelayMs: 0, reconnectMs: 1_000 },
      metricsToken: undefined,
    });
    expect(() => loadConfig({ METRICS_TOKEN: 'short' })).toThrow(/METRICS_TOKEN/);
    expect(() => loadConfig({ LOG_LEVEL: 'loud' })).toThrow(/LOG_LEVEL/);
  });
});

describe('the production start', () => {
  it('runs the build with plain node: no TypeScript compiled at run time', async () => {
    const { readFileSync } = await import('node:fs');
    const scripts = JSON.parse(readFileSync('package.json', 'utf8')).scripts as Record<string, string>;
    expect(scripts.start).toMatch(/astro build && node dist\/server\.mjs"$/);
    expect(scripts.serve).toMatch(/ node dist\/server\.mjs$/);
    const entry = readFileSync('dist/server.mjs', 'utf8');
    const imports = [...entry.matchAll(/^import .* from "([^"]+)";$/gm)].map((m) => m[1] ?? '');
    expect(imports.length).toBeGreaterThan(5);
    expect(
      imports.filter((name) => /\.(c|m)?tsx?$/.test(name) || name === 'tsx' || name.startsWith('tsx/')),
    ).toEqual([]);
  });
});
