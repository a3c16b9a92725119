import { asc, eq } from 'drizzle-orm';
import { loadConfig } from '../src/config';
import { assignStep } from '../src/services/assign-step';
import { changeStepStatus } from '../src/services/change-step-status';
import { type Ctx, systemClock } from '../src/services/context';
import { addCostLine } from '../src/services/cost-lines';
import { createJob } from '../src/services/create-job';
import { postNote } from '../src/services/post-note';
import { promiseStep } from '../src/services/promise-step';
import { getJob } from '../src/services/read-job';
import { openDatabase } from './client';
import { prepareDatabase } from './prepare';
import { organisations, specialists, workflows } from './schema';

/**
 * `npm run demo:live`: creates a job and moves it forward every few seconds, from a separate
 * process, so the running server picks the events up from the log and the tracker moves live.
 * Options: --every=<seconds> (default 4), --locale=nl|en (default nl).
 */
const args = Object.fromEntries(
  process.argv.slice(2).map((a) => a.replace(/^--/, '').split('=') as [string, string]),
);
const every = Math.max(0.05, Number(args.every ?? 4)) * 1000;
const locale = args.locale === 'en' ? 'en' : 'nl';
const config = loadConfig();
await prepareDatabase(config);
const { db, close } = await openDatabase(config.databaseUrl, config.databaseAuthToken);

const [org] = await db.select().from(organisations).orderBy(asc(organisations.createdAt)).limit(1);
const [workflow] = org
  ? await db.select().from(workflows).where(eq(workflows.organisationId, org.id)).limit(1)
  : [];
if (!org || !workflow) {
  console.error(
    'No organisation with a workflow in this database: run `npm start` once (it seeds demo data).',
  );
  process.exit(1);
}
const team = await db.select().from(specialists).where(eq(specialists.organisationId, org.id));
const ctx: Ctx = { db, clock: systemClock, organisationId: org.id, actor: { type: 'system', id: null } };

const text = {
  nl: {
    title: 'Live demo: kleine beurt',
    start: 'We zijn begonnen met **{step}**.',
    progress: [
      'Alles ziet er goed uit tot nu toe.',
      'Even een foto gemaakt voor het dossier.',
      'Nog een paar minuten.',
    ],
    late: 'Er is een onderdeel besteld, dat kost wat extra tijd.',
    internal: 'INTERN: niet zichtbaar voor de klant.',
    done: '**{step}** is klaar.',
  },
  en: {
    title: 'Live demo: minor service',
    start: 'We started on **{step}**.',
    progress: ['Everything looks fine so far.', 'Took a photo for the record.', 'A few more minutes.'],
    late: 'We ordered a part; that takes a little extra time.',
    internal: 'INTERNAL: never shown to the customer.',
    done: '**{step}** is done.',
  },
}[locale];

const { jobId, trackerToken } = await createJob(ctx, {
  reference: `LIVE-${Date.now().toString(36).toUpperCase()}`,
  title: text.title,
  customer: { name: 'Demo', locale },
  workflowId: workflow.id,
});
console.log(
  `\nOpen the tracker:  ${config.publicUrl}/t/${trackerToken}\n(moving one step every ${every / 1000} s; Ctrl-C stops)\n`,
);

const sleep = () => new Promise((resolve) => setTimeout(resolve, every));
let stopped = false;
process.on('SIGINT', () => {
  stopped = true;
});

const steps = (await getJob(ctx, jobId)).steps;
for (const [i, step] of steps.entries()) {
  const author = team[i % team.length]?.id;
  const say = async (markdown: string, visibility: 'customer' | 'internal' = 'customer') => {
    if (stopped) return;
    await sleep();
    await postNote(ctx, jobId, step.id, { markdown, visibility, authorId: author });
    console.log(`  ${step.title}: note (${visibility})`);
  };
  if (stopped) break;
  if (author && !step.assigneeId) await assignStep(ctx, jobId, step.id, author);
  await sleep();
  await changeStepStatus(ctx, jobId, step.id, 'start');
  console.log(`  ${step.title}: started`);
  await say(text.start.replace('{step}', step.title));
  if (i === 1) {
    await sleep();
    await promiseStep(ctx, jobId, step.id, { promisedAt: Date.now() + 45 * 60_000, reason: text.late });
    await addCostLine(ctx, jobId, {
      kind: 'part',
      description: locale === 'nl' ? 'Luchtfilter' : 'Air filter',
      quantityMilli: 1000,
      unitPriceCents: 2450,
      vatRateBp: 2100,
      state: 'estimate',
      stepId: step.id,
    });
    await say(text.internal, 'internal');
  }
  await say(text.progress[i % text.progress.length] ?? '');
  if (stopped) break;
  await sleep();
  await changeStepStatus(ctx, jobId, step.id, 'finish');
  console.log(`  ${step.title}: done`);
}
console.log(stopped ? '\nStopped.' : '\nThe demo job is finished.');
close();
