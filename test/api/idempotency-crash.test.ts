import { type ChildProcess, spawn } from 'node:child_process';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../db/client';
import { migrateDatabase } from '../../db/migrate';
import { notes } from '../../db/schema';
import { loadConfig } from '../../src/config';
import { type Runtime, runtimeOn } from '../../src/runtime';
import { createJob } from '../../src/services/jobs/create-job';
import { makeOrganisation, sampleJob, type TestOrg, tempDatabaseUrl } from '../helpers';

let databaseUrl: string;
let rt: Runtime;
let org: TestOrg;
const children = new Set<ChildProcess>();

beforeAll(async () => {
  databaseUrl = await tempDatabaseUrl();
  const database = await openDatabase(databaseUrl);
  await migrateDatabase(database.db);
  rt = await runtimeOn({ ...loadConfig({}), databaseUrl }, database, { now: () => Date.now() });
  org = await makeOrganisation(rt);
  afterAll(() => {
    for (const child of children) child.kill('SIGKILL');
    rt.live.close();
    rt.push.sender.close();
    database.close();
  });
});

/** The API in its own process on the test's database file; resolves with its base URL. */
function startApi(env: Record<string, string> = {}): Promise<{ url: string; child: ChildProcess }> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', '--import', './test/exit-with-parent.mjs', 'test/api/fixtures/api-server.ts'],
    { env: { ...process.env, DATABASE_URL: databaseUrl, ...env }, stdio: ['pipe', 'pipe', 'pipe'] },
  );
  children.add(child);
  child.once('exit', () => children.delete(child));
  let output = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`API did not start:\n${output}`)), 120_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const port = /listening (\d+)/.exec(output)?.[1];
      if (port) {
        clearTimeout(timer);
        resolve({ url: `http://127.0.0.1:${port}/api/v1`, child });
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', (code) => reject(new Error(`API exited with ${code}:\n${output}`)));
  });
}

describe('a process killed (SIGKILL) after the write committed, before the client heard', () => {
  it('leaves the answer with the write: the retry, on another process, gets it, and there is one note', async () => {
    const { jobId } = await createJob(org.ctx, { ...sampleJob(), workflowId: org.workflowId });
    const [step] = await rt.database.db.query.steps.findMany({ where: (s, { eq }) => eq(s.jobId, jobId) });
    const path = `/jobs/${jobId}/steps/${step?.id}/notes`;
    const markdown = 'Remschijven vervangen.';
    const init = {
      method: 'POST',
      headers: {
        authorization: `Bearer ${org.key}`,
        'content-type': 'application/json',
        'idempotency-key': `"${crypto.randomUUID()}"`,
      },
      body: JSON.stringify({ markdown }),
    };
    const [victim, survivor] = await Promise.all([startApi({ DIE_BEFORE_REPLY: '1' }), startApi()]);

    const cut = await fetch(victim.url + path, init).then(
      () => 'answered',
      (error: Error) => error.message,
    );
    expect(cut).toBe('fetch failed');
    const committed = await rt.database.db.select().from(notes).where(eq(notes.markdown, markdown));
    expect(committed).toHaveLength(1);

    const retry = await fetch(survivor.url + path, init);
    expect(retry.status).toBe(201);
    expect(retry.headers.get('idempotent-replayed')).toBe('true');
    expect(((await retry.json()) as { id: string }).id).toBe(committed[0]?.id);
    expect(await rt.database.db.select().from(notes).where(eq(notes.markdown, markdown))).toHaveLength(1);
  }, 300_000);
});

describe('a process killed (SIGKILL) while writes are in flight', () => {
  it('loses none of the writes it acknowledged (commits at the chosen synchronous level, NORMAL by default)', async () => {
    const { jobId } = await createJob(org.ctx, { ...sampleJob(), workflowId: org.workflowId });
    const [step] = await rt.database.db.query.steps.findMany({ where: (s, { eq }) => eq(s.jobId, jobId) });
    const api = await startApi();
    const acknowledged: string[] = [];
    let next = 0;
    let killed = false;
    const writer = async () => {
      while (!killed) {
        const markdown = `Kilometerstand ${next++}`;
        const response = await fetch(`${api.url}/jobs/${jobId}/steps/${step?.id}/notes`, {
          method: 'POST',
          headers: { authorization: `Bearer ${org.key}`, 'content-type': 'application/json' },
          body: JSON.stringify({ markdown }),
        }).catch(() => undefined);
        if (response?.status === 201) acknowledged.push(markdown);
      }
    };
    const exited = new Promise((resolve) => api.child.once('exit', resolve));
    const writers = Array.from({ length: 8 }, writer);
    // Kill it mid-stream: eight writes in flight, after at least a hundred were acknowledged.
    while (acknowledged.length < 100) await new Promise((r) => setTimeout(r, 10));
    api.child.kill('SIGKILL');
    await exited;
    killed = true;
    await Promise.all(writers);

    // A fresh connection recovers the write-ahead log as a restarted server would.
    const reopened = await openDatabase(databaseUrl);
    try {
      const rows = await reopened.db
        .select({ markdown: notes.markdown })
        .from(notes)
        .where(eq(notes.jobId, jobId));
      const stored = new Set(rows.map((r) => r.markdown));
      expect(acknowledged.length).toBeGreaterThanOrEqual(100);
      expect(acknowledged.filter((m) => !stored.has(m))).toEqual([]);
    } finally {
      reopened.close();
    }
  }, 300_000);
});
