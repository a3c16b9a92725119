import { parseArgs } from 'node:util';
import { asc, eq } from 'drizzle-orm';
import { openDatabase } from '../db/client';
import { ensureDatabaseFolder, migrateDatabase } from '../db/migrate';
import { organisations, type Specialist, specialists, workflows } from '../db/schema';
import { loadConfig } from '../src/config';
import { addCostLine, type CostLineInput, changeCostLine } from '../src/services/costs/cost-lines';
import { createJob } from '../src/services/jobs/create-job';
import { getJob } from '../src/services/jobs/read-job';
import { type Ctx, systemClock } from '../src/services/platform/context';
import { assignStep } from '../src/services/steps/assign-step';
import { changeStepStatus } from '../src/services/steps/change-step-status';
import { postNote } from '../src/services/steps/post-note';
import { promiseStep } from '../src/services/steps/promise-step';

/**
 * `npm run demo:live [-- --every=<seconds>] [--locale=nl|en]`: creates a job at the demo garage and moves
 * it forward one action at a time. It writes from this separate process on purpose: the running server
 * only learns of the changes by tailing the event log, which is exactly what a second app instance does.
 */
const usage = 'Usage: npm run demo:live -- [--every=<seconds>] [--locale=nl|en]';
const { values } = (() => {
  try {
    return parseArgs({ options: { every: { type: 'string' }, locale: { type: 'string' } } });
  } catch (error) {
    console.error(`${(error as Error).message}\n${usage}`);
    process.exit(1);
  }
})();
const everyMs = Number(values.every ?? 4) * 1000;
const locale = values.locale ?? 'nl';
if (!Number.isFinite(everyMs) || everyMs < 0 || (locale !== 'nl' && locale !== 'en')) {
  console.error(usage);
  process.exit(1);
}

type Line = Omit<CostLineInput, 'stepId' | 'specialistId'>;
const line = (
  kind: Line['kind'],
  description: string,
  quantity: number,
  euros: number,
  state: Line['state'],
) =>
  ({
    kind,
    description,
    quantityMilli: Math.round(quantity * 1000),
    unitPriceCents: Math.round(euros * 100),
    vatRateBp: 2100,
    state,
  }) satisfies Line;

/** What the demo says, per step position of the garage's "APK en onderhoud" workflow; rotates beyond it. */
type Script = {
  title: string;
  customer: { name: string; postcode: string };
  notes: string[];
  costs: Line[][];
  /** An estimate from `costs` that becomes actual, for a different quantity, before its step is done. */
  settle?: { description: string; quantity: number };
  delay: string;
};

const garageScripts: Record<'nl' | 'en', Script> = {
  nl: {
    title: 'Kleine beurt en APK, Opel Corsa 1.2 (2021)',
    customer: { name: 'Pieter de Graaf', postcode: '3514 AX' },
    notes: [
      'Uw Corsa staat binnen. Kilometerstand: **61.380 km**. We beginnen zo met de keuring.',
      'APK-keuring gedaan: remmen, banden, verlichting en uitlaatgassen zijn in orde. **Goedgekeurd.**',
      'Olie ververst en filters vervangen. De ruitenwisserbladen voor lieten strepen achter; die vervangen we (zie kosten).',
      'Proefrit gemaakt: de auto rijdt en remt zoals het hoort, en er branden geen waarschuwingslampjes.',
      'Uw auto staat klaar! De sleutel ligt bij de balie; u kunt pinnen bij het ophalen.',
    ],
    costs: [
      [],
      [line('fee', 'APK-keuring personenauto', 1, 49, 'actual')],
      [
        line('labour', 'Kleine beurt', 1.25, 89, 'estimate'),
        line('part', 'Ruitenwisserbladen voor (Bosch Aerotwin)', 1, 34.95, 'actual'),
      ],
      [],
      [line('fee', 'Milieutoeslag en klein materiaal', 1, 7.5, 'actual')],
    ],
    settle: { description: 'Kleine beurt', quantity: 1.5 },
    delay: 'De ruitenwisserbladen moesten worden bijbesteld; onze leverancier brengt ze binnen een half uur.',
  },
  en: {
    title: 'Minor service and APK inspection, Opel Corsa 1.2 (2021)',
    customer: { name: 'Emily Carter', postcode: '3512 TD' },
    notes: [
      'Your Corsa is in the workshop. Mileage: **61,380 km**. We’ll start with the inspection shortly.',
      'APK inspection done: brakes, tyres, lights and emissions are all fine. **Passed.**',
      'Oil changed and filters replaced. The front wiper blades were leaving streaks, so we’re replacing them (see costs).',
      'Test drive done: the car drives and brakes as it should, and no warning lights are on.',
      'Your car is ready! The keys are at the desk; you can pay by card when you pick it up.',
    ],
    costs: [
      [],
      [line('fee', 'APK inspection', 1, 49, 'actual')],
      [
        line('labour', 'Minor service', 1.25, 89, 'estimate'),
        line('part', 'Front wiper blades (Bosch Aerotwin)', 1, 34.95, 'actual'),
      ],
      [],
      [line('fee', 'Environmental surcharge and sundries', 1, 7.5, 'actual')],
    ],
    settle: { description: 'Minor service', quantity: 1.5 },
    delay: 'We had to order the wiper blades; our supplier delivers them within half an hour.',
  },
};

/** For a database without the demo garage: nothing car-specific. */
const genericScripts: Record<'nl' | 'en', Script> = {
  nl: {
    title: 'Live demo-opdracht',
    customer: { name: 'Pieter de Graaf', postcode: '3514 AX' },
    notes: [
      'We zijn begonnen. Alles wat we doen, ziet u hier meteen.',
      'Deze stap loopt volgens plan.',
      'Bijna klaar; we ronden deze stap nu af.',
    ],
    costs: [[line('labour', 'Werkzaamheden', 0.5, 75, 'actual')]],
    delay: 'Er is meer werk dan verwacht; we hebben een half uur extra nodig.',
  },
  en: {
    title: 'Live demo job',
    customer: { name: 'Emily Carter', postcode: '3512 TD' },
    notes: [
      'We have started. Everything we do shows up here straight away.',
      'This step is going to plan.',
      'Nearly done; we are wrapping this step up now.',
    ],
    costs: [[line('labour', 'Work', 0.5, 75, 'actual')]],
    delay: 'There is more work than expected; we need an extra half hour.',
  },
};

/** Staff write internal notes in Dutch whatever the customer's language; the customer never sees them. */
const internalNote = 'Klant wil de oude onderdelen zien: leg ze in een doos in de kofferbak.';
const DELAY_MS = 30 * 60_000;
const GARAGE = 'garage-van-dijk';

const config = loadConfig();
ensureDatabaseFolder(config.databaseUrl);
const database = await openDatabase(config.databaseUrl, config.databaseAuthToken);
const { db } = database;

let stopped = false;
let wake: (() => void) | undefined;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    // A second Ctrl-C does not wait for the service call in flight.
    if (stopped) process.exit(130);
    stopped = true;
    wake?.();
  });
}
const pause = () =>
  new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, everyMs);
    wake = () => {
      clearTimeout(timer);
      resolve();
    };
  });
const clock = () => new Date().toTimeString().slice(0, 8);
const say = (text: string) => console.log(`  ${clock()}  ${text}`);

try {
  await migrateDatabase(db);
  const [garage] = await db.select().from(organisations).where(eq(organisations.slug, GARAGE));
  const [org] = garage
    ? [garage]
    : await db.select().from(organisations).orderBy(asc(organisations.createdAt)).limit(1);
  const [workflow] = org
    ? await db
        .select()
        .from(workflows)
        .where(eq(workflows.organisationId, org.id))
        .orderBy(asc(workflows.createdAt), asc(workflows.id))
        .limit(1)
    : [];
  if (!org || !workflow) {
    console.error(
      `No organisation with a workflow in ${config.databaseUrl}.\nRun \`npm run db:setup\` (or \`npm start\`) once: it seeds the demo data.`,
    );
    process.exitCode = 1;
  } else {
    await runDemo(org, workflow.id);
  }
} catch (error) {
  console.error('\nThe demo stopped on an error:', error);
  process.exitCode = 1;
} finally {
  database.close();
}

async function runDemo(org: typeof organisations.$inferSelect, workflowId: string) {
  const script = (org.slug === GARAGE ? garageScripts : genericScripts)[locale as 'nl' | 'en'];
  const team = await db
    .select()
    .from(specialists)
    .where(eq(specialists.organisationId, org.id))
    .orderBy(asc(specialists.createdAt));
  const active = team.filter((s) => s.active);
  const byId = new Map(team.map((s) => [s.id, s]));
  const ctx: Ctx = {
    db,
    clock: systemClock,
    organisationId: org.id,
    actor: { type: 'system', id: null },
    afterCommit: undefined,
  };

  const reference = `LIVE-${new Date().toISOString().replace(/\D/g, '').slice(0, 14)}`;
  const { jobId, trackerToken } = await createJob(ctx, {
    reference,
    title: script.title,
    customer: { ...script.customer, locale: locale as 'nl' | 'en' },
    workflowId,
  });
  const url = `${config.publicUrl}/t/${trackerToken}`;
  const rule = '='.repeat(Math.max(40, url.length + 22));
  console.log(`\n${rule}\n  Open the tracker:  ${url}\n${rule}`);
  console.log(
    `\n${org.name}, job ${reference} (${locale}). One action every ${everyMs / 1000} s; Ctrl-C stops.\n`,
  );

  const steps = (await getJob(ctx, jobId)).steps;
  let internalPosted = false;
  let delayed = false;
  for (const [i, step] of steps.entries()) {
    const beat = async (action: () => Promise<string>) => {
      if (stopped) return;
      await pause();
      if (stopped) return;
      say(`${step.title}: ${await action()}`);
    };
    let assignee = step.assigneeId ? byId.get(step.assigneeId) : undefined;
    const colleague = assignee && active.find((s) => s.role === assignee?.role && s.id !== assignee.id);
    // Show the hand-over a business does every day: the step goes to a colleague with the same role.
    const handOver = i === 2 && colleague;
    if (!assignee || handOver) {
      const next: Specialist | undefined = handOver ? colleague : active[i % active.length];
      if (next) {
        await beat(async () => {
          await assignStep(ctx, jobId, step.id, next.id);
          assignee = next;
          return `assigned to ${next.name} (${next.role})`;
        });
      }
    }
    await beat(async () => {
      await changeStepStatus(ctx, jobId, step.id, 'start');
      return 'started';
    });
    await beat(async () => {
      await postNote(ctx, jobId, step.id, {
        markdown: script.notes[i % script.notes.length] ?? '',
        visibility: 'customer',
        authorId: assignee?.id,
      });
      return 'note for the customer';
    });
    const added: { id: string; description: string; quantityMilli: number }[] = [];
    for (const cost of script.costs[i % script.costs.length] ?? []) {
      await beat(async () => {
        const { id } = await addCostLine(ctx, jobId, {
          ...cost,
          stepId: step.id,
          specialistId: assignee?.id ?? null,
        });
        added.push({ id, description: cost.description, quantityMilli: cost.quantityMilli });
        return `cost line "${cost.description}" (${cost.state})`;
      });
    }
    if (!internalPosted && i >= 1) {
      internalPosted = true;
      await beat(async () => {
        await postNote(ctx, jobId, step.id, {
          markdown: internalNote,
          visibility: 'internal',
          authorId: assignee?.id,
        });
        return 'internal note (never reaches the tracker)';
      });
    }
    if (!delayed && script.costs[i % script.costs.length]?.length && i >= 2) {
      delayed = true;
      await beat(async () => {
        // The delay moves this step's promise and every later one: the customer sees the whole new plan.
        const current = (await getJob(ctx, jobId)).steps.filter(
          (s) =>
            s.position >= step.position &&
            s.promisedAt != null &&
            s.status !== 'done' &&
            s.status !== 'skipped',
        );
        for (const s of current) {
          await promiseStep(ctx, jobId, s.id, {
            promisedAt: (s.promisedAt ?? 0) + DELAY_MS,
            reason: script.delay,
          });
        }
        return `promise moved 30 minutes later (${current.length} steps)`;
      });
    }
    const settled = added.find((l) => l.description === script.settle?.description);
    if (settled && script.settle) {
      const quantityMilli = Math.round(script.settle.quantity * 1000);
      await beat(async () => {
        await changeCostLine(ctx, jobId, settled.id, { state: 'actual', quantityMilli });
        return `cost line "${settled.description}" is now actual: ${quantityMilli / 1000} instead of the estimated ${settled.quantityMilli / 1000}`;
      });
    }
    await beat(async () => {
      await changeStepStatus(ctx, jobId, step.id, 'finish');
      return 'done';
    });
    if (stopped) break;
  }
  console.log(
    stopped
      ? `\nStopped. The job stays where it is: ${url}`
      : `\nThe job is finished (every step done). The tracker still shows it: ${url}`,
  );
}
