import { count } from 'drizzle-orm';
import { createApiKey } from '../src/services/api-keys';
import { assignStep } from '../src/services/assign-step';
import { changeStepStatus } from '../src/services/change-step-status';
import type { Clock, Ctx, Db } from '../src/services/context';
import { addCostLine, changeCostLine } from '../src/services/cost-lines';
import { createJob } from '../src/services/create-job';
import { createWorkflow } from '../src/services/directory';
import { newId } from '../src/services/ids';
import { postNote } from '../src/services/post-note';
import { promiseStep } from '../src/services/promise-step';
import { getJob } from '../src/services/read-job';
import { organisations, specialists } from './schema';
import { type DemoJob, demoOrganisations } from './seed-data';

export type SeedReport = {
  organisations: {
    name: string;
    slug: string;
    apiKey: string;
    trackers: { reference: string; title: string; locale: 'nl' | 'en' | null; url: string }[];
  }[];
};

const MINUTE = 60_000;

/**
 * Seeds demo data only when the database has no organisations; returns null when it already had data.
 * Jobs are built through the services, on a clock moved through the past, so their event logs,
 * promises and timestamps look like real history.
 */
export async function seedIfEmpty(
  base: { db: Db; clock: Clock; afterCommit?: () => void },
  publicUrl: string,
): Promise<SeedReport | null> {
  const [row] = await base.db.select({ n: count() }).from(organisations);
  if ((row?.n ?? 0) > 0) return null;

  const report: SeedReport = { organisations: [] };
  for (const demo of demoOrganisations) {
    const organisationId = newId('org');
    const now = base.clock.now();
    await base.db.insert(organisations).values({ id: organisationId, createdAt: now, ...demo.organisation });
    const team = new Map<string, string>();
    for (const [i, person] of demo.team.entries()) {
      const id = newId('spec');
      team.set(person.key, id);
      const { key: _key, ...fields } = person;
      await base.db.insert(specialists).values({ id, organisationId, createdAt: now + i, ...fields });
    }
    // A clock of our own, so each job's history can start in the past and move forward.
    let time = now;
    const clock: Clock = { now: () => time };
    const ctx: Ctx = {
      db: base.db,
      clock,
      organisationId,
      actor: { type: 'system', id: null },
      afterCommit: base.afterCommit,
    };
    const workflowIds: string[] = [];
    for (const workflow of demo.workflows) workflowIds.push(await createWorkflow(ctx, workflow));

    const trackers: SeedReport['organisations'][number]['trackers'] = [];
    for (const job of demo.jobs) {
      time = now - job.startedMinutesAgo * MINUTE;
      const token = await playJob(ctx, job, workflowIds, team, (minutes) => {
        time += minutes * MINUTE;
      });
      trackers.push({
        reference: job.reference,
        title: job.title,
        locale: job.locale,
        url: `${publicUrl}/t/${token}`,
      });
    }
    const { key } = await createApiKey(base.db, base.clock, organisationId, 'Demo key', 'write');
    report.organisations.push({
      name: demo.organisation.name,
      slug: demo.organisation.slug,
      apiKey: key,
      trackers,
    });
  }
  return report;
}

/** Creates one demo job and replays its script of actions through the services. */
async function playJob(
  ctx: Ctx,
  job: DemoJob,
  workflowIds: string[],
  team: Map<string, string>,
  wait: (minutes: number) => void,
): Promise<string> {
  const { jobId, trackerToken } = await createJob(ctx, {
    reference: job.reference,
    title: job.title,
    customer: { ...job.customer, locale: job.locale ?? undefined },
    workflowId: workflowIds[job.workflow],
  });
  const steps = (await getJob(ctx, jobId)).steps;
  const person = (key: string | undefined) => (key ? team.get(key) : undefined);
  const lines = new Map<string, string>();
  for (const action of job.script) {
    wait(action.after ?? 5);
    const step = steps[action.step ?? 0];
    if (!step) throw new Error(`demo script of ${job.reference} names a step it does not have`);
    switch (action.do) {
      case 'start':
      case 'finish':
      case 'skip':
        await changeStepStatus(ctx, jobId, step.id, action.do);
        break;
      case 'block':
        await changeStepStatus(ctx, jobId, step.id, 'block', { reason: action.reason });
        break;
      case 'assign':
        await assignStep(ctx, jobId, step.id, person(action.who) ?? null);
        break;
      case 'promise':
        await promiseStep(ctx, jobId, step.id, {
          promisedAt: ctx.clock.now() + action.inMinutes * MINUTE,
          reason: action.reason,
        });
        break;
      case 'note':
        await postNote(ctx, jobId, step.id, {
          markdown: action.text,
          visibility: action.internal ? 'internal' : 'customer',
          authorId: person(action.who),
        });
        break;
      case 'cost': {
        const line = await addCostLine(ctx, jobId, {
          ...action.line,
          stepId: step.id,
          specialistId: person(action.who) ?? null,
        });
        if (action.name) lines.set(action.name, line.id);
        break;
      }
      case 'settle': {
        const id = lines.get(action.name);
        if (!id) throw new Error(`demo script of ${job.reference} settles an unknown line`);
        await changeCostLine(ctx, jobId, id, { state: 'actual', ...action.patch });
        break;
      }
    }
  }
  return trackerToken;
}
