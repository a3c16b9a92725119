import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { events, signoffs } from '../../db/schema';
import { contextFor } from '../../src/runtime';
import { decideCostLine } from '../../src/services/costs/approve-cost';
import { addCostLine, changeCostLine } from '../../src/services/costs/cost-lines';
import { shownLine } from '../../src/services/costs/shown-line';
import { createJob } from '../../src/services/jobs/create-job';
import { getJob } from '../../src/services/jobs/read-job';
import { changeStepStatus } from '../../src/services/steps/change-step-status';
import { fakeClock, makeOrganisation, refusal, sampleJob, testRuntime } from '../helpers';

const clock = fakeClock();
const rt = await testRuntime({ clock });
const org = await makeOrganisation(rt);
const other = await makeOrganisation(rt);
const customer = contextFor(rt, org.id, { type: 'customer', id: null });

const extra = (stepId: string, stepWaits = true) => ({
  kind: 'part' as const,
  description: 'Remschijven voor',
  quantityMilli: 2000,
  unitPriceCents: 6450,
  vatRateBp: 2100,
  state: 'awaiting_approval' as const,
  explanation: 'De schijven zijn onder de minimale dikte.',
  stepId,
  stepWaits,
});

async function activeJob() {
  const { jobId } = await createJob(org.ctx, { ...sampleJob(), workflowId: org.workflowId });
  const step = (await getJob(org.ctx, jobId)).steps[1];
  if (!step) throw new Error('no step');
  await changeStepStatus(org.ctx, jobId, step.id, 'start');
  return { jobId, stepId: step.id };
}

describe('approving extra costs', () => {
  it('makes the step wait for the decision, records it with its time, and lets the step go on', async () => {
    const { jobId, stepId } = await activeJob();
    const line = await addCostLine(org.ctx, jobId, extra(stepId));
    let step = (await getJob(org.ctx, jobId)).steps.find((s) => s.id === stepId);
    expect(step).toMatchObject({ status: 'blocked', waitingOn: 'customer_approval' });

    clock.advance(30 * 60_000);
    const decided = await decideCostLine(customer, jobId, line.id, 'approve');
    expect(decided).toMatchObject({
      state: 'approved',
      decidedAt: clock.now(),
      explanation: extra(stepId).explanation,
    });
    step = (await getJob(org.ctx, jobId)).steps.find((s) => s.id === stepId);
    expect(step).toMatchObject({ status: 'active', waitingOn: null });
    const logged = (await rt.database.db.select().from(events).where(eq(events.jobId, jobId))).map((e) => [
      e.type,
      e.visibility,
      e.actorType,
    ]);
    expect(logged).toContainEqual(['cost_line.approved', 'customer', 'customer']);
    expect(logged.at(-1)).toEqual(['step.resumed', 'customer', 'customer']);

    // Decided is decided: a second decision is refused and changes nothing.
    const again = await refusal(decideCostLine(customer, jobId, line.id, 'decline'));
    expect(again.code).toBe('not_awaiting_approval');
  });

  it('keeps the step waiting until every line on it is decided; a decline is recorded too', async () => {
    const { jobId, stepId } = await activeJob();
    const first = await addCostLine(org.ctx, jobId, extra(stepId));
    const second = await addCostLine(org.ctx, jobId, { ...extra(stepId), description: 'Remblokken' });
    await decideCostLine(customer, jobId, first.id, 'decline');
    expect((await getJob(org.ctx, jobId)).steps.find((s) => s.id === stepId)?.status).toBe('blocked');
    await decideCostLine(customer, jobId, second.id, 'approve');
    const detail = await getJob(org.ctx, jobId);
    expect(detail.steps.find((s) => s.id === stepId)?.status).toBe('active');
    expect(detail.costLines.map((l) => l.state).sort()).toEqual(['approved', 'declined']);
    // Declined work does not count in the total.
    expect(detail.totals.grossCents).toBe(Math.round(6450 * 2 * 1.21));
  });

  it('asks for an explanation, refuses a decision on a line that asks nothing, and hides other jobs', async () => {
    const { jobId, stepId } = await activeJob();
    const noReason = await refusal(addCostLine(org.ctx, jobId, { ...extra(stepId), explanation: '  ' }));
    expect(noReason.details).toEqual({ field: 'explanation' });
    const plain = await addCostLine(org.ctx, jobId, {
      ...extra(stepId, false),
      state: 'estimate',
      explanation: null,
    });
    expect((await refusal(decideCostLine(customer, jobId, plain.id, 'approve'))).code).toBe(
      'not_awaiting_approval',
    );

    const asked = await addCostLine(org.ctx, jobId, extra(stepId, false));
    const elsewhere = await activeJob();
    expect((await refusal(decideCostLine(customer, elsewhere.jobId, asked.id, 'approve'))).kind).toBe(
      'not_found',
    );
    const stranger = contextFor(rt, other.id, { type: 'customer', id: null });
    expect((await refusal(decideCostLine(stranger, jobId, asked.id, 'approve'))).kind).toBe('not_found');

    // Asking again after a decision starts a new one.
    await decideCostLine(customer, jobId, asked.id, 'decline');
    const reasked = await changeCostLine(org.ctx, jobId, asked.id, {
      state: 'awaiting_approval',
      unitPriceCents: 5000,
    });
    expect(reasked).toMatchObject({ state: 'awaiting_approval', decidedAt: null });
  });

  it('refuses a decision on a line changed since the customer was shown it, and records none', async () => {
    const { jobId, stepId } = await activeJob();
    const asked = await addCostLine(org.ctx, jobId, extra(stepId));
    const seen = (await getJob(org.ctx, jobId)).costLines.find((l) => l.id === asked.id);
    if (!seen) throw new Error('no line');
    const shown = shownLine(seen);
    // Staff raise the price while the customer's page still shows the old one.
    await changeCostLine(org.ctx, jobId, asked.id, { unitPriceCents: 9900 });
    const refused = await refusal(decideCostLine(customer, jobId, asked.id, 'approve', undefined, shown));
    expect(refused.code).toBe('signoff_changed');
    const after = (await getJob(org.ctx, jobId)).costLines.find((l) => l.id === asked.id);
    expect(after?.state).toBe('awaiting_approval');
    expect(await rt.database.db.select().from(signoffs).where(eq(signoffs.costLineId, asked.id))).toEqual([]);
    // Shown the new price, the customer decides.
    if (!after) throw new Error('no line');
    const decided = await decideCostLine(customer, jobId, asked.id, 'approve', undefined, shownLine(after));
    expect(decided.state).toBe('approved');
  });
});
