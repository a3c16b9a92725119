import { eq } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { specialists } from '../../db/schema';
import { createJob } from '../../src/services/jobs/create-job';
import { getJob } from '../../src/services/jobs/read-job';
import { createWorkflow } from '../../src/services/organisation/workflows';
import { bookingView } from '../../src/services/slots/booking';
import { inviteSpecialist } from '../../src/services/staff/team';
import { assignStep } from '../../src/services/steps/assign-step';
import { consoleClient, signedUpAdmin } from '../console-client';
import { roleIdFor } from '../helpers';
import { startProduct } from '../server';

/** Staff book, move and cancel a step's moment for the customer on the console's job page (issue 18). */
let product: Awaited<ReturnType<typeof startProduct>>;

beforeAll(async () => {
  product = await startProduct();
});

const options = (html: string) =>
  [...html.matchAll(/<option value="(\d{4}-[^"]+)"[^>]*>([^<]*)<\/option>/g)].map((m) => ({
    value: m[1] ?? '',
    label: m[2] ?? '',
  }));

describe('booking from the console job page', () => {
  it('books for the customer, refuses a full slot unless forced, moves and cancels only with a reason', async () => {
    const admin = await signedUpAdmin(product.url, product.rt, 'Bezorgdienst Telefoon');
    const workflowId = await createWorkflow(admin.ctx, {
      name: 'Bezorgen',
      steps: [
        {
          title: 'Bezorgen',
          translations: { en: { title: 'Delivery' } },
          defaultRole: 'Owner',
          booking: { slotMinutes: 120, capacity: 1, horizonDays: 7, cutoffWorkingDays: 0, leadMinutes: 60 },
        },
      ],
    });
    const newJob = async (reference: string) => {
      const { jobId } = await createJob(admin.ctx, {
        reference,
        title: 'Wasmachine',
        customer: { name: 'Tomasz', locale: 'en' },
        workflowId,
      });
      return {
        jobId,
        stepId: (await getJob(admin.ctx, jobId)).steps[0]?.id ?? '',
        path: `/console/jobs/${jobId}`,
      };
    };
    const a = await newJob('TEL-1');
    const page = (await admin.client.get(a.path)).text;
    expect(page).toContain('Geboekt moment');
    expect(page).toContain('Nog niets geboekt.');
    const [first, second] = options(page);
    expect(first && second).toBeTruthy();

    // Bad input: not a moment at all, and a moment that is not one of the step's slots.
    const nonsense = await admin.client.post(a.path, {
      _action: 'bookSlot',
      stepId: a.stepId,
      startsAt: 'morgen',
    });
    expect(nonsense.status).toBe(422);
    const odd = await admin.client.post(a.path, {
      _action: 'bookSlot',
      stepId: a.stepId,
      startsAt: new Date(Date.parse(first?.value ?? '') + 7 * 60_000).toISOString(),
    });
    expect(odd.status).toBe(422);
    expect((await bookingView(admin.ctx.db, admin.ctx, a.jobId, a.stepId)).booked).toBeNull();

    const booked = await admin.client.post(a.path, {
      _action: 'bookSlot',
      stepId: a.stepId,
      startsAt: first?.value ?? '',
    });
    expect([booked.status, booked.location]).toEqual([303, `${a.path}?done=bookSlot#step-${a.stepId}`]);
    const after = (await admin.client.get(`${a.path}?done=bookSlot`)).text;
    expect(after).toContain('Moment geboekt.');
    expect(after).toContain(`Geboekt: ${first?.label}`);
    expect(after).toContain('Afspraak verzetten');

    // Another job wants the same (now full) moment: listed as full for an admin, refused unless forced.
    const b = await newJob('TEL-2');
    const full = options((await admin.client.get(b.path)).text).find((o) => o.value === first?.value);
    expect(full?.label).toBe(`${first?.label} (vol)`);
    // A specialist on their own step: full moments are not offered, and forcing one is an admin's call.
    const { token } = await inviteSpecialist(admin.ctx, {
      email: 'chauffeur@telefoon.test',
      name: 'Chris Chauffeur',
      roleId: await roleIdFor(admin.ctx, 'Owner'),
      permission: 'specialist',
    });
    const driver = consoleClient(product.url);
    expect(
      (
        await driver.post(`/console/invite/${token}`, {
          name: 'Chris Chauffeur',
          password: 'long enough secret',
        })
      ).status,
    ).toBe(303);
    const [row] = await product.rt.database.db
      .select()
      .from(specialists)
      .where(eq(specialists.email, 'chauffeur@telefoon.test'));
    await assignStep(admin.ctx, b.jobId, b.stepId, row?.id ?? null);
    const driverPage = (await driver.get(b.path)).text;
    expect(driverPage).toContain('Geboekt moment');
    expect(options(driverPage).map((o) => o.value)).not.toContain(first?.value);
    expect(driverPage).not.toContain('name="force"');
    const notAdmin = await driver.post(b.path, {
      _action: 'bookSlot',
      stepId: b.stepId,
      startsAt: first?.value ?? '',
      force: '1',
    });
    expect(notAdmin.status).toBe(403);

    const refused = await admin.client.post(b.path, {
      _action: 'bookSlot',
      stepId: b.stepId,
      startsAt: first?.value ?? '',
    });
    expect(refused.status).toBe(409);
    expect((await bookingView(admin.ctx.db, admin.ctx, b.jobId, b.stepId)).booked).toBeNull();
    const forced = await admin.client.post(b.path, {
      _action: 'bookSlot',
      stepId: b.stepId,
      startsAt: first?.value ?? '',
      force: '1',
    });
    expect(forced.status).toBe(303);
    expect((await bookingView(admin.ctx.db, admin.ctx, b.jobId, b.stepId)).booked?.startsAt).toBe(
      Date.parse(first?.value ?? ''),
    );

    // Moving the booking needs a reason, which the customer reads as the step's promise reason.
    const noReason = await admin.client.post(a.path, {
      _action: 'bookSlot',
      stepId: a.stepId,
      startsAt: second?.value ?? '',
    });
    expect(noReason.status).toBe(422);
    expect(noReason.text).toMatch(/class="error" id="[^"]+-reason-error"/);
    const moved = await admin.client.post(a.path, {
      _action: 'bookSlot',
      stepId: a.stepId,
      startsAt: second?.value ?? '',
      reason: 'De bus is in onderhoud',
    });
    expect(moved.status).toBe(303);
    const step = (await getJob(admin.ctx, a.jobId)).steps[0];
    expect(step?.promiseReason).toBe('De bus is in onderhoud');
    expect((await bookingView(admin.ctx.db, admin.ctx, a.jobId, a.stepId)).booked?.startsAt).toBe(
      Date.parse(second?.value ?? ''),
    );

    // Cancelling too.
    const cancelNoReason = await admin.client.post(a.path, { _action: 'cancelBooking', stepId: a.stepId });
    expect(cancelNoReason.status).toBe(422);
    const cancelled = await admin.client.post(a.path, {
      _action: 'cancelBooking',
      stepId: a.stepId,
      reason: 'Klant belde af',
    });
    expect(cancelled.status).toBe(303);
    expect((await bookingView(admin.ctx.db, admin.ctx, a.jobId, a.stepId)).booked).toBeNull();
    expect((await admin.client.get(`${a.path}?done=cancelBooking`)).text).toContain('Afspraak geannuleerd.');
  });
});
