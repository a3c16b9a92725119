import { asc, eq } from 'drizzle-orm';
import { type InvoiceDetails, organisations, steps } from '../../db/schema';
import type { Runtime } from '../../src/runtime';
import { addCostLine, type CostLineInput } from '../../src/services/costs/cost-lines';
import { createJob } from '../../src/services/jobs/create-job';
import type { Ctx } from '../../src/services/platform/context';
import { changeStepStatus } from '../../src/services/steps/change-step-status';
import { sampleJob, type TestOrg } from '../helpers';

/** Valid details of a Dutch garage (the checksums hold). */
export const INVOICE_DETAILS: InvoiceDetails = {
  legalName: 'Garage De Boer B.V.',
  address: { street: 'Kanaalweg', number: '41', postcode: '3526 KM', city: 'Utrecht', country: 'NL' },
  registrationNumber: '30123456',
  vatNumber: 'NL004495445B01',
  iban: 'NL91ABNA0417164300',
  paymentTermDays: 14,
  paymentLink: 'https://pay.example.nl/garage?amount={amount}&ref={reference}',
};

export async function withInvoiceDetails(rt: Runtime, org: TestOrg, details = INVOICE_DETAILS) {
  await rt.database.db
    .update(organisations)
    .set({ invoiceDetails: details })
    .where(eq(organisations.id, org.id));
}

/** Lines with two VAT rates, a discount, and lines that never reach an invoice (declined, waiting). */
export const LINES = [
  {
    kind: 'labour',
    description: 'APK-keuring',
    quantityMilli: 1000,
    unitPriceCents: 4995,
    vatRateBp: 2100,
    state: 'actual',
  },
  {
    kind: 'labour',
    description: 'Kleine beurt',
    quantityMilli: 1500,
    unitPriceCents: 7250,
    vatRateBp: 2100,
    state: 'actual',
  },
  {
    kind: 'part',
    description: 'Ruitenwisserbladen (2×)',
    quantityMilli: 2000,
    unitPriceCents: 1333,
    vatRateBp: 2100,
    state: 'estimate',
  },
  {
    kind: 'part',
    description: 'Boekje “Veilig rijden”',
    quantityMilli: 3000,
    unitPriceCents: 333,
    vatRateBp: 900,
    state: 'actual',
  },
  {
    kind: 'discount',
    description: 'Vaste klant',
    quantityMilli: 1000,
    unitPriceCents: 500,
    vatRateBp: 2100,
    state: 'actual',
  },
  {
    kind: 'fee',
    description: 'Milieutoeslag',
    quantityMilli: 1000,
    unitPriceCents: 250,
    vatRateBp: 0,
    state: 'actual',
  },
] as const;

/** A job of `org` with `LINES`, not yet done. */
export async function jobWithLines(ctx: Ctx, org: TestOrg, lines: readonly CostLineInput[] = LINES) {
  const { jobId } = await createJob(ctx, { ...sampleJob(), workflowId: org.workflowId });
  for (const line of lines) await addCostLine(ctx, jobId, { ...line });
  return jobId;
}

/** Finishes every open step of a job, the last one making it done. */
export async function finishJob(ctx: Ctx, jobId: string) {
  const rows = await ctx.db.select().from(steps).where(eq(steps.jobId, jobId)).orderBy(asc(steps.position));
  for (const step of rows) {
    if (step.status === 'done' || step.status === 'skipped') continue;
    await changeStepStatus(ctx, jobId, step.id, 'finish');
  }
}
