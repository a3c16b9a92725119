import { beforeAll, describe, expect, it } from 'vitest';
import { createJob } from '../../src/services/jobs/create-job';
import { inviteSpecialist } from '../../src/services/staff/team';
import { changeStepStatus } from '../../src/services/steps/change-step-status';
import { consoleClient, signedUpAdmin } from '../console-client';
import { startProduct } from '../server';

let product: Awaited<ReturnType<typeof startProduct>>;
let admin: Awaited<ReturnType<typeof signedUpAdmin>>;

beforeAll(async () => {
  product = await startProduct();
  admin = await signedUpAdmin(product.url, product.rt, 'Garage Beoordeling');
});

/** A finished job done by the admin; the customer's tracker token. */
async function finishedJob() {
  const { jobId, trackerToken } = await createJob(admin.ctx, {
    reference: `R-${Math.random().toString(36).slice(2, 8)}`,
    title: 'Zomerbanden',
    customer: { name: 'Lisa', locale: 'nl' },
    steps: [{ title: 'Wisselen', assigneeId: admin.specialist.id }],
  });
  const detail = await product.rt.database.db.query.steps.findFirst({
    where: (s, { eq }) => eq(s.jobId, jobId),
  });
  await changeStepStatus(admin.ctx, jobId, detail?.id ?? '', 'finish');
  return { jobId, stepId: detail?.id ?? '', token: trackerToken };
}

describe('rating the work on the tracker (plain forms)', () => {
  it('asks for a rating once the job is done, takes it once, and thanks the customer', async () => {
    const { token } = await finishedJob();
    const customer = consoleClient(product.url);
    const page = await customer.get(`/t/${token}`);
    expect(page.text).toContain('Hoe beoordeelt u Admin of Garage Beoordeling, Owner?');
    const bad = await customer.post(`/t/${token}`, {
      _action: 'rate',
      specialistId: admin.specialist.id,
      score: '9',
    });
    expect(bad.status).toBe(422);
    expect(bad.text).toContain('Kies 1 tot 5 sterren');
    const ok = await customer.post(`/t/${token}`, {
      _action: 'rate',
      specialistId: admin.specialist.id,
      score: '5',
      comment: 'Snel en vriendelijk.',
    });
    expect(ok.status).toBe(303);
    expect((await customer.get(`/t/${token}`)).text).toContain(
      'U gaf Admin of Garage Beoordeling 5 van 5. Dank u!',
    );
    const twice = await customer.post(`/t/${token}`, {
      _action: 'rate',
      specialistId: admin.specialist.id,
      score: '1',
    });
    expect(twice.status).toBe(409);
    // A cross-site post is refused before anything happens.
    const forged = await customer.post(
      `/t/${token}`,
      { _action: 'rate', specialistId: admin.specialist.id, score: '1' },
      {
        origin: 'https://evil.example',
      },
    );
    expect(forged.status).toBe(403);
  });

  it('lets a colleague give kudos from the console, shown on the specialist profile', async () => {
    const { jobId, stepId } = await finishedJob();
    const { token } = await inviteSpecialist(admin.ctx, {
      email: 'collega@example.test',
      name: 'Collega Kees',
      role: 'Monteur',
      permission: 'specialist',
    });
    const colleague = consoleClient(product.url);
    expect(
      (
        await colleague.post(`/console/invite/${token}`, {
          name: 'Collega Kees',
          password: 'lang genoeg wachtwoord',
        })
      ).status,
    ).toBe(303);
    const given = await colleague.post(`/console/jobs/${jobId}`, {
      _action: 'kudos',
      stepId,
      note: 'Netjes gedaan!',
    });
    expect([given.status, given.location]).toEqual([303, `/console/jobs/${jobId}?done=kudos#step-${stepId}`]);
    const again = await colleague.post(`/console/jobs/${jobId}`, { _action: 'kudos', stepId });
    expect(again.status).toBe(409);
    const self = await admin.client.post(`/console/jobs/${jobId}`, { _action: 'kudos', stepId });
    expect(self.status).toBe(422);
    const profile = await admin.client.get(`/console/team/${admin.specialist.id}`);
    expect(profile.text).toContain('Collega Kees voor “Wisselen”');
    expect(profile.text).toContain('Netjes gedaan!');
  });
});
