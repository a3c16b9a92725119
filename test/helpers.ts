import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect } from 'vitest';
import { type Database, openDatabase } from '../db/client';
import { WRITE_LOCK } from '../db/dialect';
import { migrateDatabase } from '../db/migrate';
import { organisations, specialists } from '../db/schema';
import type { WeekHours } from '../db/schema/calendars';
import { createApi } from '../src/api';
import { type Config, loadConfig } from '../src/config';
import { contextFor, type Runtime, runtimeOn } from '../src/runtime';
import { createApiKey } from '../src/services/organisation/api-keys';
import { ensureRoles, roleKey } from '../src/services/organisation/roles';
import { createWorkflow } from '../src/services/organisation/workflows';
import type { Clock, Ctx } from '../src/services/platform/context';
import { ServiceError } from '../src/services/platform/errors';
import { newId } from '../src/services/platform/ids';
import { contractChecker } from './openapi-contract';
import { ON_POSTGRES, tempPostgresDatabase } from './postgres';

/**
 * Slow-on-purpose settings made cheap for tests, where nothing real is protected: scrypt's cost for
 * password hashes, and the widget lookup's minimum answer time. Tests of those behaviours set them.
 */
export const FAST_CONFIG = { passwordHashCost: 1024, widgetLookupFloorMs: 0 } satisfies Partial<Config>;
/** The same, for a server process. */
export const FAST_ENV = { PASSWORD_HASH_COST: '1024', WIDGET_LOOKUP_FLOOR_MS: '0' };

/** Resolves once `check` holds, looking again every few milliseconds (the test's timeout bounds it). */
export async function eventually(check: () => boolean | Promise<boolean>, everyMs = 10): Promise<void> {
  while (!(await check())) await new Promise((r) => setTimeout(r, everyMs));
}

/** A clock tests move by hand. */
export function fakeClock(start = Date.parse('2026-11-23T08:00:00Z')) {
  let now = start;
  return {
    now: () => now,
    advance(ms: number) {
      now += ms;
    },
    set(ms: number) {
      now = ms;
    },
  } satisfies Clock & Record<string, unknown>;
}

/**
 * A fresh, empty database for this test file, removed afterwards: a libSQL file, or with
 * `TEST_DATABASE=postgres` (`npm run test:pg`) a database of its own on the PostgreSQL server.
 */
export async function tempDatabaseUrl(): Promise<string> {
  return ON_POSTGRES ? tempPostgresDatabase() : tempLibsqlFile();
}

/** A fresh libSQL database file, removed afterwards, whatever TEST_DATABASE says (libSQL-only tests). */
export function tempLibsqlFile(): string {
  const dir = mkdtempSync(join(tmpdir(), 'ok-test-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  return `file:${join(dir, 'test.db')}`;
}

export async function testRuntime(
  options: { clock?: Clock; config?: Partial<Config> } = {},
): Promise<Runtime> {
  const config = {
    ...loadConfig({}),
    databaseUrl: await tempDatabaseUrl(),
    publicUrl: 'http://tracker.test',
    livePollMs: 10,
    logRequests: false,
    ...FAST_CONFIG,
    ...options.config,
  };
  const database = await openDatabase(config.databaseUrl);
  await migrateDatabase(database.db);
  const rt = await runtimeOn(config, database, options.clock ?? { now: () => Date.now() });
  afterAll(() => {
    rt.live.close();
    rt.push.sender.close();
    rt.mail.transport?.close();
    database.close();
  });
  return rt;
}

let counter = 0;

/**
 * Open round the clock, no public holidays: what test organisations work in unless a test is about
 * calendars, so no promise (and no test) depends on the time of day the suite runs.
 */
export const ALWAYS_OPEN = {
  hours: Array.from({ length: 7 }, () => [{ open: 0, close: 1440 }]) as WeekHours,
  closedDates: [] as string[],
  holidayCountry: null,
};
/** A new organisation's own calendar as the product sets it (Monday–Friday 09:00–17:30, Dutch holidays). */
export const PRODUCT_CALENDAR = { hours: undefined, closedDates: undefined, holidayCountry: undefined };

/**
 * An organisation with a small team, a workflow and an API key. It works round the clock
 * (`ALWAYS_OPEN`); a calendar test passes `PRODUCT_CALENDAR` or its own hours.
 */
export async function makeOrganisation(
  rt: Runtime,
  overrides: Partial<typeof organisations.$inferInsert> = {},
) {
  counter++;
  const id = newId('org');
  const { db } = rt.database;
  await db.insert(organisations).values({
    id,
    slug: `org-${counter}-${id.slice(-6).toLowerCase()}`,
    name: `Garage ${counter}`,
    createdAt: rt.clock.now(),
    ...ALWAYS_OPEN,
    ...overrides,
  });
  const roleList = await ensureRoles(
    db,
    id,
    [{ name: 'Monteur' }, { name: 'APK-keurmeester' }],
    rt.clock.now(),
  );
  const monteur = roleList.get('monteur')?.id ?? null;
  const keurmeester = roleList.get('apk-keurmeester')?.id ?? null;
  const team = await db
    .insert(specialists)
    .values([
      {
        id: newId('spec'),
        organisationId: id,
        name: 'Jan de Boer',
        roleId: monteur,
        role: 'Monteur',
        bio: 'Twintig jaar onder de motorkap.',
        permission: 'admin',
        createdAt: rt.clock.now(),
      },
      {
        id: newId('spec'),
        organisationId: id,
        name: 'Fatima El Amrani',
        roleId: keurmeester,
        role: 'APK-keurmeester',
        bio: 'Keurt sinds 2015.',
        createdAt: rt.clock.now() + 1,
      },
      {
        id: newId('spec'),
        organisationId: id,
        name: 'Old Timer',
        roleId: monteur,
        role: 'Monteur',
        active: false,
        createdAt: rt.clock.now() + 2,
      },
    ])
    .returning();
  const ctx = contextFor(rt, id, { type: 'system', id: null });
  const workflowId = await createWorkflow(ctx, {
    name: 'APK',
    steps: [
      {
        title: 'Intake',
        description: 'We nemen de auto in ontvangst.',
        defaultRole: 'Monteur',
        expectedMinutes: 15,
      },
      { title: 'Keuring', defaultRole: 'APK-keurmeester', expectedMinutes: 60 },
      { title: 'Klaar voor ophalen' },
    ],
  });
  const { key } = await createApiKey(db, rt.clock, id, 'test');
  const { key: readKey } = await createApiKey(db, rt.clock, id, 'read only', 'read');
  const [mechanic, inspector, retired] = team as [(typeof team)[0], (typeof team)[0], (typeof team)[0]];
  return { id, ctx, key, readKey, workflowId, mechanic, inspector, retired };
}

export type TestOrg = Awaited<ReturnType<typeof makeOrganisation>>;

/** The id of the organisation's role of that name, added to its list when missing. */
export async function roleIdFor(ctx: Ctx, name: string): Promise<string> {
  const found = (await ensureRoles(ctx.db, ctx.organisationId, [{ name }], ctx.clock.now())).get(
    roleKey(name),
  );
  if (!found) throw new Error(`no role ${name}`);
  return found.id;
}

/**
 * Calls the API in-process (no socket): `call('POST', '/jobs', { key, body })`. Every answer is checked
 * against the API's own OpenAPI document (status documented, body matches, errors in the shape), so
 * the document cannot drift from what the API does; `unchecked: true` skips that for deliberate probes.
 */
export function apiClient(rt: Runtime) {
  const app = createApi(rt);
  let checker: ReturnType<typeof contractChecker> | undefined;
  return async (
    method: string,
    path: string,
    options: {
      key?: string;
      body?: unknown;
      raw?: string;
      headers?: Record<string, string>;
      unchecked?: boolean;
    } = {},
  ) => {
    const headers: Record<string, string> = { ...options.headers };
    if (options.key) headers.authorization = `Bearer ${options.key}`;
    let body: string | undefined;
    if (options.raw !== undefined) body = options.raw;
    else if (options.body !== undefined) body = JSON.stringify(options.body);
    if (body !== undefined) headers['content-type'] ??= 'application/json';
    const response = await app.request(`/api/v1${path}`, { method, headers, body });
    const text = await response.text();
    const json =
      text && response.headers.get('content-type')?.includes('json') ? JSON.parse(text) : undefined;
    const answer = { status: response.status, json, headers: response.headers };
    if (!options.unchecked) {
      checker ??= Promise.resolve(app.request('/api/v1/openapi.json')).then(async (r) =>
        contractChecker(await r.json()),
      );
      expect((await checker)(method, path, answer)).toEqual([]);
    }
    return answer;
  };
}

export const ctxOf = (org: TestOrg): Ctx => org.ctx;

export const sampleJob = (reference = `WO-${++counter}`) => ({
  reference,
  title: 'APK + kleine beurt',
  customer: { name: 'Sanne de Vries', email: 'sanne@example.nl', postcode: '3511 AB', locale: 'nl' as const },
});

/** Awaits a promise that must be refused by a service; returns the ServiceError. */
export async function refusal(promise: Promise<unknown>): Promise<ServiceError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ServiceError);
  return error as ServiceError;
}

/**
 * Takes the database's one write lock as another process would and keeps it until `release`: SQLite's
 * (BEGIN IMMEDIATE plus a write), or on PostgreSQL the advisory lock every write transaction takes.
 */
export async function holdWriteLock(database: Database): Promise<{ release(): Promise<void> }> {
  if (database.pool) {
    const client = await database.pool.connect();
    await client.query('BEGIN');
    await client.query(`select pg_advisory_xact_lock(${WRITE_LOCK})`);
    return {
      release: async () => {
        await client.query('ROLLBACK');
        client.release();
      },
    };
  }
  const lock = await database.client.transaction('write');
  await lock.execute("UPDATE jobs SET updated_at = updated_at WHERE id = 'none'");
  return { release: () => lock.rollback() };
}
