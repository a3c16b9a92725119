import { fork } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { openDatabase } from '../db/client';
import { migrateDatabase } from '../db/migrate';
import { organisations, specialists } from '../db/schema';
import { contextFor, type Runtime } from '../src/runtime';
import { addCostLine } from '../src/services/costs/cost-lines';
import { createJob } from '../src/services/jobs/create-job';
import { getJob } from '../src/services/jobs/read-job';
import { createApiKey } from '../src/services/organisation/api-keys';
import { ensureRoles } from '../src/services/organisation/roles';
import { createWorkflow } from '../src/services/organisation/workflows';
import type { Ctx } from '../src/services/platform/context';
import { changeStepStatus } from '../src/services/steps/change-step-status';
import { postNote } from '../src/services/steps/post-note';

/** Shared set-up for the benchmarks: a fresh database file with one realistic job. */
export async function prepareData(name: string) {
  mkdirSync('bench/tmp', { recursive: true });
  for (const suffix of ['', '-wal', '-shm']) rmSync(`bench/tmp/${name}.db${suffix}`, { force: true });
  const url = `file:bench/tmp/${name}.db`;
  const database = await openDatabase(url);
  await migrateDatabase(database.db);
  const { db } = database;
  const now = Date.now();
  await db
    .insert(organisations)
    .values({ id: 'org_bench', slug: 'bench', name: 'Garage Bench', createdAt: now });
  // A workflow names roles from the organisation's list (docs/decisions/step-roles.md).
  const roleList = await ensureRoles(
    db,
    'org_bench',
    [{ name: 'Monteur' }, { name: 'APK-keurmeester' }],
    now,
  );
  await db.insert(specialists).values([
    {
      id: 'spec_a',
      organisationId: 'org_bench',
      name: 'Jan de Boer',
      roleId: roleList.get('monteur')?.id ?? null,
      role: 'Monteur',
      bio: 'Twintig jaar onder de motorkap.',
      createdAt: now,
    },
    {
      id: 'spec_b',
      organisationId: 'org_bench',
      name: 'Fatima El Amrani',
      roleId: roleList.get('apk-keurmeester')?.id ?? null,
      role: 'APK-keurmeester',
      bio: 'Keurt sinds 2015.',
      createdAt: now + 1,
    },
  ]);
  const rt = {
    database,
    clock: { now: () => Date.now() },
    live: { tail: { poke() {} } },
  } as unknown as Runtime;
  const ctx: Ctx = contextFor(rt, 'org_bench', { type: 'system', id: null });
  const workflowId = await createWorkflow(ctx, {
    name: 'APK',
    steps: [
      { title: 'Intake', defaultRole: 'Monteur', expectedMinutes: 15 },
      { title: 'APK-keuring', defaultRole: 'APK-keurmeester', expectedMinutes: 60 },
      { title: 'Reparatie', defaultRole: 'Monteur', expectedMinutes: 120 },
      { title: 'Proefrit', defaultRole: 'Monteur', expectedMinutes: 20 },
      { title: 'Klaar voor ophalen', expectedMinutes: 10 },
    ],
  });
  const { jobId, trackerToken } = await createJob(ctx, {
    reference: 'BENCH-1',
    title: 'APK + grote beurt, VW Golf',
    customer: { name: 'Sanne de Vries', locale: 'nl' },
    workflowId,
  });
  const steps = (await getJob(ctx, jobId)).steps.map((s) => s.id);
  await changeStepStatus(ctx, jobId, steps[0]!, 'start');
  await postNote(ctx, jobId, steps[0]!, {
    markdown: 'Auto is binnen, kilometerstand **84.210**.',
    visibility: 'customer',
    authorId: 'spec_a',
  });
  await changeStepStatus(ctx, jobId, steps[0]!, 'finish');
  await changeStepStatus(ctx, jobId, steps[1]!, 'start');
  await postNote(ctx, jobId, steps[1]!, {
    markdown: 'Remschijven voor zijn onder de minimumdikte; we vervangen ze.',
    visibility: 'customer',
    authorId: 'spec_b',
  });
  await addCostLine(ctx, jobId, {
    kind: 'labour',
    description: 'APK-keuring',
    quantityMilli: 1000,
    unitPriceCents: 4950,
    vatRateBp: 2100,
    state: 'actual',
    specialistId: 'spec_b',
  });
  await addCostLine(ctx, jobId, {
    kind: 'part',
    description: 'Remschijven + blokken',
    quantityMilli: 1000,
    unitPriceCents: 18900,
    vatRateBp: 2100,
    state: 'estimate',
  });
  await addCostLine(ctx, jobId, {
    kind: 'labour',
    description: 'Remmen vervangen',
    quantityMilli: 1500,
    unitPriceCents: 8950,
    vatRateBp: 2100,
    state: 'estimate',
    specialistId: 'spec_a',
  });
  const { key } = await createApiKey(db, rt.clock, 'org_bench', 'bench');
  database.close();
  return { url, jobId, token: trackerToken, steps, key };
}

export type Prepared = Awaited<ReturnType<typeof prepareData>>;

/** Runs a bench script in a child process (clean memory, its own event loop) with an IPC channel. */
export function child(script: string, args: string[] = [], env: Record<string, string> = {}) {
  return fork(script, args, {
    execArgv: ['--import', 'tsx', '--expose-gc'],
    env: { ...process.env, LOG_REQUESTS: '0', SEED: 'never', ...env },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
}

/** Waits for the next IPC message of a given type from a child. */
export function message<T = Record<string, unknown>>(
  proc: ReturnType<typeof child>,
  type: string,
): Promise<T> {
  return new Promise((resolve, reject) => {
    const onMessage = (m: { type: string }) => {
      if (m.type !== type) return;
      proc.off('message', onMessage);
      resolve(m as T);
    };
    proc.on('message', onMessage);
    proc.once('exit', (code) => reject(new Error(`child exited (${code}) before sending ${type}`)));
  });
}

export const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
};

export const now = () => performance.timeOrigin + performance.now();

const TICK_MS = 10; // USER_HZ is 100 on Linux

/** A process's user + system CPU time so far, in ms (/proc/<pid>/stat). */
export function processCpuMs(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
  // After "pid (comm) ": state is field 0, utime field 11, stime field 12.
  return (Number(fields[11]) + Number(fields[12])) * TICK_MS;
}

/** The user + system CPU time so far of every process whose name starts with `prefix` (e.g. `postgres`), in ms. */
export function processesCpuMs(prefix: string): number {
  let sum = 0;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const name = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
      if (name.startsWith(prefix)) sum += processCpuMs(Number(entry));
    } catch {
      // The process ended between the listing and the read.
    }
  }
  return sum;
}

/**
 * How often a process's main thread (for Node, the event loop) has been switched out so far: voluntary
 * (it waited, e.g. in epoll for the next socket event) and involuntary (the scheduler took the core).
 */
export function contextSwitches(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const count = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+)`, 'm').exec(status)?.[1] ?? 0);
  return count('voluntary_ctxt_switches') + count('nonvoluntary_ctxt_switches');
}

/** The whole machine's CPU time so far, in ms summed over its cores: busy (not idle or waiting) and all. */
export function machineCpuMs(): { busy: number; total: number } {
  const line = readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? '';
  const ticks = line.trim().split(/\s+/).slice(1).map(Number);
  const total = ticks.reduce((a, b) => a + b, 0);
  // user nice system idle iowait irq softirq steal …: idle and iowait are not work.
  const idle = (ticks[3] ?? 0) + (ticks[4] ?? 0);
  return { busy: (total - idle) * TICK_MS, total: total * TICK_MS };
}
