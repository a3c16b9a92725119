import { beforeAll, describe, expect, it } from 'vitest';
import { createJob } from '../../src/services/jobs/create-job';
import { inviteSpecialist } from '../../src/services/staff/team';
import { changeStepStatus } from '../../src/services/steps/change-step-status';
import { consoleClient, signedUpAdmin } from '../console-client';
import { roleIdFor } from '../helpers';
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

describe('feedback on the tracker (plain forms)', () => {
  it('asks for a score and stars in one form once the job is done, takes it once, and thanks the customer', async () => {
    const { token } = await finishedJob();
    const customer = consoleClient(product.url);
    const page = await customer.get(`/t/${token}`);
    expect(page.text).toContain('Hoe waarschijnlijk is het dat u Garage Beoordeling aanbeveelt');
    expect(page.text).toContain('Hoe beoordeelt u Admin of Garage Beoordeling, Owner?');
    // No score chosen is not a zero: refused, and what was typed comes back.
    const none = await customer.post(`/t/${token}`, { _action: 'feedback', comment: 'Snel en vriendelijk.' });
    expect(none.status).toBe(422);
    expect(none.text).toContain('Kies een cijfer van 0 tot 10');
    expect(none.text).toContain('Snel en vriendelijk.');
    const badStars = await customer.post(`/t/${token}`, {
      _action: 'feedback',
      score: '9',
      [`stars.${admin.specialist.id}`]: '9',
    });
    expect(badStars.status).toBe(422);
    const ok = await customer.post(`/t/${token}`, {
      _action: 'feedback',
      score: '9',
      comment: 'Snel en vriendelijk.',
      [`stars.${admin.specialist.id}`]: '5',
    });
    expect([ok.status, ok.location]).toEqual([303, `/t/${token}#rate-heading`]);
    const after = (await customer.get(`/t/${token}`)).text;
    expect(after).toContain('Dank u! U gaf ons een 9 van 10.');
    expect(after).toContain('U gaf Admin of Garage Beoordeling 5 van 5. Dank u!');
    expect(after).not.toContain('neemt hierover contact met u op');
    const twice = await customer.post(`/t/${token}`, { _action: 'feedback', score: '1' });
    expect(twice.status).toBe(409);
    // A cross-site post is refused before anything happens.
    const forged = await customer.post(
      `/t/${token}`,
      { _action: 'feedback', score: '1' },
      {
        origin: 'https://evil.example',
      },
    );
    expect(forged.status).toBe(403);
  });

  it('after a low score tells the customer who will call, and shows the admin the follow-up', async () => {
    const { jobId, token } = await finishedJob();
    const customer = consoleClient(product.url);
    const low = await customer.post(`/t/${token}`, {
      _action: 'feedback',
      score: '4',
      comment: 'Twee dagen later dan beloofd.',
    });
    expect(low.status).toBe(303);
    expect((await customer.get(`/t/${token}`)).text).toContain(
      'Admin of Garage Beoordeling (Owner) neemt hierover contact met u op.',
    );
    const board = await admin.client.get('/console/');
    expect(board.text).toContain('Lage cijfers om op te volgen (1)');
    expect(board.text).toContain(`/console/jobs/${jobId}#feedback`);
    expect(board.text).toContain('Twee dagen later dan beloofd.');
    const empty = await admin.client.post(`/console/jobs/${jobId}`, { _action: 'followUp', note: ' ' });
    expect(empty.status).toBe(422);
    const done = await admin.client.post(`/console/jobs/${jobId}`, {
      _action: 'followUp',
      note: 'Gebeld; excuses aangeboden en korting op de volgende beurt.',
    });
    expect(done.status).toBe(303);
    const page = await admin.client.get(`/console/jobs/${jobId}`);
    expect(page.text).toContain('Opgevolgd door Admin of Garage Beoordeling');
    expect(page.text).toContain('korting op de volgende beurt');
    expect((await admin.client.get('/console/')).text).not.toContain('Lage cijfers om op te volgen');
  });

  it('lets a colleague give kudos from the console, shown on the specialist profile', async () => {
    const { jobId, stepId } = await finishedJob();
    const { token } = await inviteSpecialist(admin.ctx, {
      email: 'collega@example.test',
      name: 'Collega Kees',
      roleId: await roleIdFor(admin.ctx, 'Monteur'),
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
