import { count, eq } from 'drizzle-orm';
import { writeTransactionOn } from '../../db/dialect';
import { accounts, organisations, publishedAnswers, specialists, users } from '../../db/schema';
import { calendarFor } from '../services/calendar/calendars';
import { addWorkingMinutes, type Calendar, nextOpening } from '../services/calendar/working-time';
import { createConsultOffer } from '../services/consults/offers';
import { addCostLine, changeCostLine } from '../services/costs/cost-lines';
import { giveFeedback } from '../services/customer-voice/feedback';
import { answerQuestion, askQuestion } from '../services/customer-voice/questions';
import { addDocument } from '../services/documents/documents';
import { createJob } from '../services/jobs/create-job';
import { getJob } from '../services/jobs/read-job';
import { approveAnswer, proposeAnswer } from '../services/knowledge/answers';
import { createApiKey } from '../services/organisation/api-keys';
import { ensureRoles, roleCopy, roleKey } from '../services/organisation/roles';
import { createWorkflow } from '../services/organisation/workflows';
import type { Clock, Ctx, Db } from '../services/platform/context';
import { newId } from '../services/platform/ids';
import { storeImage } from '../services/platform/media';
import { loadSecrets } from '../services/platform/secrets';
import { passwordHasher } from '../services/staff/auth';
import type { Permission } from '../services/staff/permissions';
import { assignStep } from '../services/steps/assign-step';
import { changeStepStatus } from '../services/steps/change-step-status';
import { postNote } from '../services/steps/post-note';
import { promiseStep } from '../services/steps/promise-step';
import { type DemoJob, type DemoOrganisation, demoOrganisations } from './seed-data';
import { type DemoPhoto, demoPhoto } from './seed-photos';
import { english } from './seed-translations';
import { simplePdf } from './simple-pdf';

/** Every demo specialist can sign in to the console with this password. */
export const DEMO_PASSWORD = 'open-kitchen-demo';

export type SeedReport = {
  organisations: {
    name: string;
    slug: string;
    apiKey: string;
    staff: { name: string; email: string; permission: Permission }[];
    trackers: { reference: string; title: string; locale: 'nl' | 'en' | null; url: string }[];
  }[];
};

/**
 * Seeds demo data only when the database has no organisations; returns null when it already had data.
 *
 * Jobs are built only through the services, on a clock moved through the past, so their event logs,
 * promises and timestamps look like real history. Everything runs in one write transaction: two
 * processes starting on an empty database cannot both seed, and a failure leaves the database empty
 * (and so seeded again on the next start) rather than half-filled.
 */
export async function seedIfEmpty(
  ctxBase: {
    db: Db;
    clock: Clock;
    afterCommit?: () => void;
    secretKey?: string | undefined;
    passwordHashCost?: number;
  },
  publicUrl: string,
): Promise<SeedReport | null> {
  // Hashed once, before the transaction (scrypt is slow on purpose); every demo account shares it.
  const passwordHash = await passwordHasher(ctxBase.passwordHashCost).hash(DEMO_PASSWORD);
  const report = await writeTransactionOn(ctxBase.db, async (tx) => {
    const [row] = await tx.select({ n: count() }).from(organisations);
    if ((row?.n ?? 0) > 0) return null;
    // Tracker links are sealed with the installation's key, the operator's SECRET_KEY when set.
    await loadSecrets(tx as unknown as Db, ctxBase.secretKey);
    const seeded: SeedReport = { organisations: [] };
    for (const demo of demoOrganisations) {
      seeded.organisations.push(
        await seedOrganisation(tx as unknown as Db, ctxBase.clock, demo, publicUrl, passwordHash),
      );
    }
    return seeded;
  });
  // Services would wake the live fan-out after each of their own commits; here only the outer one counts.
  if (report) ctxBase.afterCommit?.();
  return report;
}

const MINUTE = 60_000;

async function seedOrganisation(
  db: Db,
  realClock: Clock,
  demo: DemoOrganisation,
  publicUrl: string,
  passwordHash: string,
): Promise<SeedReport['organisations'][number]> {
  const now = realClock.now();
  // A clock of our own, moved through the past so each job gets a believable history.
  let time = now - demo.customerForDays * 24 * 60 * MINUTE;
  const clock: Clock = { now: () => time };

  const organisationId = newId('org');
  await db.insert(organisations).values({ id: organisationId, createdAt: time, ...demo.organisation });
  const team = new Map<string, string>();
  const staff: SeedReport['organisations'][number]['staff'] = [];
  // The organisation's list of roles: every role its team has, in Dutch with English beside it.
  const roleList = await ensureRoles(
    db,
    organisationId,
    demo.team.map((p) => ({ name: p.role, translations: { en: { name: english(p.role) } } })),
    time,
  );
  for (const { key, role, ...written } of demo.team) {
    // Written in Dutch, the organisation's language; English beside it (src/demo/seed-translations.ts).
    const held = roleList.get(roleKey(role));
    if (!held) throw new Error(`demo role missing: ${role}`);
    const person = {
      ...written,
      ...roleCopy({ translations: { en: { bio: written.bio ? english(written.bio) : '' } } }, held),
    };
    const id = newId('spec');
    team.set(key, id);
    // Each demo specialist can sign in to the console (a better-auth user with a password account).
    const email = `${key}@${demo.organisation.slug}.example`;
    const userId = newId('user');
    const at = new Date(time);
    await db
      .insert(users)
      .values({ id: userId, name: person.name, email, emailVerified: true, createdAt: at, updatedAt: at });
    await db.insert(accounts).values({
      id: newId('acct'),
      accountId: userId,
      providerId: 'credential',
      userId,
      password: passwordHash,
      createdAt: at,
      updatedAt: at,
    });
    // Distinct creation times: a workflow's default role goes to the longest-serving specialist.
    await db.insert(specialists).values({ id, organisationId, createdAt: time++, email, userId, ...person });
    staff.push({ name: person.name, email, permission: person.permission ?? 'specialist' });
  }
  const ctx: Ctx = { db, clock, organisationId, actor: { type: 'system', id: null } };
  const workflowIds: string[] = [];
  for (const workflow of demo.workflows) {
    time += MINUTE;
    workflowIds.push(
      await createWorkflow(ctx, {
        ...workflow,
        steps: workflow.steps.map((step) => ({
          ...step,
          translations: {
            en: {
              title: english(step.title),
              description: step.description ? english(step.description) : '',
            },
          },
        })),
      }),
    );
  }
  await seedAnswers(ctx, demo, workflowIds, team);
  for (const { workflow, role, ...offer } of demo.consults ?? []) {
    const workflowId = workflowIds[workflow];
    if (!workflowId) throw new Error(`demo consult on workflow ${workflow}, which is not there`);
    const roleId = role ? (roleList.get(roleKey(role))?.id ?? null) : null;
    await createConsultOffer(ctx, { ...offer, workflowId, roleId });
  }
  // Each photo is drawn once per organisation and stored through the upload pipeline when first used.
  const photos = new Map<DemoPhoto, string>();
  const photoId = async (kind: DemoPhoto) => {
    let id = photos.get(kind);
    if (!id) {
      id = (await storeImage(ctx, 'photo', await demoPhoto(kind), 'photo')).id;
      photos.set(kind, id);
    }
    return id;
  };

  const trackers: SeedReport['organisations'][number]['trackers'] = [];
  for (const job of demo.jobs) {
    // Times run in the workflow's working hours: the job is created when, with its script's working
    // minutes added, it ends no later than now, so nothing happens (or is promised) at night.
    const calendar = await calendarFor(db, organisationId, workflowIds[job.workflow] ?? null);
    const start = startFor(calendar, now, job.startedMinutesAgo);
    const token = await playJob(ctx, job, workflowIds, team, calendar, photoId, (at) => {
      if (at > job.startedMinutesAgo) throw new Error(`demo script of ${job.reference} runs into the future`);
      time = addWorkingMinutes(calendar, start, at);
    });
    trackers.push({
      reference: job.reference,
      title: job.title,
      locale: job.locale,
      url: `${publicUrl}/t/${token}`,
    });
  }
  const { key } = await createApiKey(db, realClock, organisationId, 'Demo key', 'write');
  return { name: demo.organisation.name, slug: demo.organisation.slug, apiKey: key, staff, trackers };
}

/**
 * The latest opening time from which `minutes` of working time end no later than `now` (found by
 * halving: the end grows with the start).
 */
export function startFor(calendar: Calendar, now: number, minutes: number): number {
  let low = now - 400 * 24 * 60 * MINUTE;
  let high = now;
  while (high - low > MINUTE) {
    const middle = Math.floor((low + high) / 2);
    if (addWorkingMinutes(calendar, nextOpening(calendar, middle), minutes) <= now) low = middle;
    else high = middle;
  }
  return nextOpening(calendar, low);
}

/** Creates one demo job, then replays its script through the services at the scripted times. */
async function playJob(
  ctx: Ctx,
  job: DemoJob,
  workflowIds: string[],
  team: Map<string, string>,
  calendar: Calendar,
  photoId: (kind: DemoPhoto) => Promise<string>,
  moveTo: (minutesAfterCreation: number) => void,
): Promise<string> {
  moveTo(0);
  const workflowId = workflowIds[job.workflow];
  const { jobId, trackerToken } = await createJob(ctx, {
    reference: job.reference,
    title: job.title,
    customer: { ...job.customer, locale: job.locale ?? undefined },
    ...(job.address ? { address: job.address } : {}),
    workflowId,
  });
  const steps = (await getJob(ctx, jobId)).steps.map((s) => ({ ...s }));
  const person = (key: string) => {
    const id = team.get(key);
    if (!id) throw new Error(`demo script of ${job.reference} names ${key}, who is not on the team`);
    return id;
  };
  const remember = (view: { id: string; status: string; promisedAt: number | null }) => {
    const step = steps.find((s) => s.id === view.id);
    if (step) Object.assign(step, { status: view.status, promisedAt: view.promisedAt });
  };
  const lines = new Map<string, string>();
  const customer: Ctx = { ...ctx, actor: { type: 'customer', id: null } };
  let lastQuestion: string | null = null;
  let at = 0;
  for (const action of job.script) {
    if (action.at !== undefined && action.at < at) {
      throw new Error(`demo script of ${job.reference} goes back in time at minute ${action.at}`);
    }
    at = action.at ?? at + 1;
    moveTo(at);
    const step = steps[action.step];
    if (!step) throw new Error(`demo script of ${job.reference} names step ${action.step}, which it lacks`);
    switch (action.do) {
      case 'start':
      case 'finish':
      case 'skip':
        remember(await changeStepStatus(ctx, jobId, step.id, action.do));
        break;
      case 'assign':
        remember(await assignStep(ctx, jobId, step.id, person(action.who)));
        break;
      case 'promise': {
        // A delay moves the rest of the plan with it, as a planner would: one promise event per step.
        const moved = action.andLater ? steps.slice(action.step) : [step];
        for (const s of moved) {
          if (s.promisedAt == null || s.status === 'done' || s.status === 'skipped') continue;
          const promisedAt = addWorkingMinutes(calendar, s.promisedAt, action.moveBy);
          remember(await promiseStep(ctx, jobId, s.id, { promisedAt, reason: action.reason }));
        }
        break;
      }
      case 'note':
        await postNote(ctx, jobId, step.id, {
          markdown: action.text,
          visibility: action.internal ? 'internal' : 'customer',
          authorId: person(action.who),
          photoIds: await Promise.all((action.photos ?? []).map(photoId)),
        });
        break;
      case 'cost': {
        const line = await addCostLine(ctx, jobId, {
          ...action.line,
          stepId: step.id,
          specialistId: action.who ? person(action.who) : null,
          photoId: action.photo ? await photoId(action.photo) : null,
        });
        if (action.name) lines.set(action.name, line.id);
        break;
      }
      case 'settle': {
        const id = lines.get(action.name);
        if (!id) throw new Error(`demo script of ${job.reference} settles unknown line ${action.name}`);
        await changeCostLine(ctx, jobId, id, { state: 'actual', ...action.patch });
        break;
      }
      case 'ask':
        lastQuestion = (
          await askQuestion(customer, jobId, { stepId: step.id, body: action.text, channel: 'tracker' })
        ).id;
        break;
      case 'answer':
        if (!lastQuestion) throw new Error(`demo script of ${job.reference} answers before anyone asked`);
        await answerQuestion(
          { ...ctx, actor: { type: 'specialist', id: person(action.who) } },
          lastQuestion,
          {
            answer: action.text,
          },
        );
        break;
      case 'document':
        await addDocument(
          { ...ctx, actor: { type: 'specialist', id: person(action.who) } },
          jobId,
          step.id,
          {
            title: action.title,
            translations: action.translations ?? {},
            visibleToCustomer: true,
            requestSignoff: !!action.signoff,
          },
          { bytes: simplePdf(action.pdf.heading, action.pdf.lines), name: `${job.reference}-concept.pdf` },
        );
        break;
      case 'feedback':
        await giveFeedback(customer, jobId, {
          score: action.score,
          comment: action.comment ?? null,
          stars: Object.fromEntries(Object.entries(action.stars ?? {}).map(([who, n]) => [person(who), n])),
        });
        break;
    }
  }
  return trackerToken;
}

/** The organisation's answers for others: written by one specialist, checked by a colleague with the same role. */
async function seedAnswers(
  ctx: Ctx,
  demo: DemoOrganisation,
  workflowIds: string[],
  team: Map<string, string>,
) {
  for (const a of demo.answers ?? []) {
    const person = (key: string) => {
      const id = team.get(key);
      if (!id) throw new Error(`demo answer names no one: ${key}`);
      return id;
    };
    const proposed = await proposeAnswer(ctx, {
      question: a.question,
      answer: a.answer,
      translations: { en: a.en },
      workflowId: workflowIds[a.workflow] ?? null,
      position: a.step,
      authorId: person(a.by),
    });
    await approveAnswer(ctx, proposed.id, { reviewerId: person(a.checkedBy) });
    if (a.shown || a.answered)
      await ctx.db
        .update(publishedAnswers)
        .set({ shownCount: a.shown ?? 0, answeredCount: a.answered ?? 0 })
        .where(eq(publishedAnswers.id, proposed.id));
  }
}
