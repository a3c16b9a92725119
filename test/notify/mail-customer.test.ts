import { asc, eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { openDatabase } from '../../db/client';
import { mailMessages, specialists, steps } from '../../db/schema';
import { unsubscribeRoutes } from '../../src/api/unsubscribe';
import { collectMailMoments, flushCustomerMail, type MailWorkOptions } from '../../src/notify/mail/customer';
import { readReplyAddress } from '../../src/notify/mail/reply-address';
import { type MailTransport, sendDueMail, smtpTransport } from '../../src/notify/mail/sender';
import { preferencesOf, setPreferences, wants } from '../../src/notify/preferences';
import type { Runtime } from '../../src/runtime';
import { decideCostLine } from '../../src/services/costs/approve-cost';
import { addCostLine } from '../../src/services/costs/cost-lines';
import { answerQuestion, askQuestion } from '../../src/services/customer-voice/questions';
import { createJob } from '../../src/services/jobs/create-job';
import { createWorkflow } from '../../src/services/organisation/workflows';
import { type Clock, type Db, writeTransaction } from '../../src/services/platform/context';
import { loadSecrets } from '../../src/services/platform/secrets';
import { changeStepStatus } from '../../src/services/steps/change-step-status';
import { eventually, makeOrganisation, sampleJob } from '../helpers';
import { type Mailbox, startMailWork } from '../mailbox';

const MINUTE = 60_000;

async function setup() {
  const { rt, clock, mailbox, transport, options, pass } = await startMailWork();
  const org = await makeOrganisation(rt, { name: 'Garage Zuid' });
  return { clock, rt, mailbox, transport, options, org, work: pass };
}

/** One pass of the mail work as a second process would run it: on its own connection and transport. */
async function work(db: Db, clock: Clock, transport: MailTransport, options: MailWorkOptions) {
  while ((await collectMailMoments({ db, clock }, options)) > 0) {}
  while ((await flushCustomerMail({ db, clock }, options)) > 0) {}
  while ((await sendDueMail(db, clock, transport, 'tracker@mail.test')) > 0) {}
}

async function newJob(
  rt: Runtime,
  org: Awaited<ReturnType<typeof makeOrganisation>>,
  email = 'sanne@example.nl',
) {
  const input = sampleJob();
  const { jobId } = await createJob(org.ctx, {
    ...input,
    customer: { ...input.customer, email },
    workflowId: org.workflowId,
  });
  const rows = await rt.database.db
    .select()
    .from(steps)
    .where(eq(steps.jobId, jobId))
    .orderBy(asc(steps.position));
  return { jobId, reference: input.reference, steps: rows.map((s) => s.id) };
}

const countIn = (mailbox: Mailbox, text: RegExp) =>
  mailbox.received.reduce((n, m) => n + (m.parsed.text?.match(text)?.length ?? 0), 0);

describe('customer email', () => {
  it('sends the tracker link at once, threaded to the job, with reply address and one-click unsubscribe', async () => {
    const { rt, mailbox, transport, org, work } = await setup();
    try {
      const { jobId, reference } = await newJob(rt, org);
      await work();
      const [got] = await mailbox.waitFor(1);
      expect(got?.envelope.to).toEqual(['sanne@example.nl']);
      expect(got?.parsed.subject).toBe(`Garage Zuid: volg uw opdracht ${reference}`);
      expect(got?.parsed.from?.value[0]?.name).toBe('Garage Zuid');
      const replyTo = got?.parsed.replyTo?.value[0]?.address ?? '';
      const { reply } = await loadSecrets(rt.database.db);
      expect(readReplyAddress(reply, replyTo, rt.clock.now(), 'mail.test')).toEqual({ ok: true, jobId });
      const unsubscribe = /^<(http:\/\/tracker\.test\/mail\/unsubscribe\/[^>]+)>$/.exec(
        got?.header('list-unsubscribe') ?? '',
      );
      expect(unsubscribe).not.toBeNull();
      expect(got?.header('list-unsubscribe-post')).toBe('List-Unsubscribe=One-Click');
      // Dutch, HTML and plain text, the tracker link in both, readable without images.
      expect(got?.parsed.html).toContain('<html lang="nl"');
      expect(got?.parsed.html).toMatch(/href="http:\/\/tracker\.test\/t\/[A-Za-z0-9_-]+"/);
      expect(got?.parsed.text).toMatch(/Volg uw opdracht: http:\/\/tracker\.test\/t\/[A-Za-z0-9_-]+/);
      expect(got?.parsed.text).toContain('Beste Sanne de Vries,');
      const [row] = await rt.database.db.select().from(mailMessages).where(eq(mailMessages.jobId, jobId));
      expect(row).toMatchObject({ kind: 'tracker_link', status: 'sent', locale: 'nl' });
    } finally {
      transport.close();
    }
  });

  it('coalesces a job’s moments within the window, keeps to one message per gap, and sends approvals at once', async () => {
    const { rt, clock, mailbox, transport, org, work } = await setup();
    try {
      const job = await newJob(rt, org);
      await work();
      await mailbox.waitFor(1);
      const [intake, inspection] = job.steps as [string, string];
      await changeStepStatus(org.ctx, job.jobId, intake, 'start');
      clock.advance(30_000);
      await changeStepStatus(org.ctx, job.jobId, intake, 'finish');
      clock.advance(30_000);
      await changeStepStatus(org.ctx, job.jobId, inspection, 'start');
      await work();
      // The window (2 min from the first) has not passed, and the tracker link went out just now.
      clock.advance(2 * MINUTE);
      await work();
      expect(mailbox.received).toHaveLength(1);
      // Ten minutes after the last message: the three moments in one.
      clock.set(clock.now() - 3 * MINUTE + 10 * MINUTE);
      await work();
      await mailbox.waitFor(2);
      expect(mailbox.received).toHaveLength(2);
      const update = mailbox.received[1];
      expect(update?.parsed.subject).toBe('Garage Zuid: nieuws over APK + kleine beurt');
      expect(update?.parsed.text).toContain('Intake is begonnen.');
      expect(update?.parsed.text).toContain('Intake is klaar.');
      expect(update?.parsed.text).toContain('Keuring is begonnen.');

      // Extra work that needs the customer's approval goes at once, past the gap.
      clock.advance(MINUTE);
      await addCostLine(org.ctx, job.jobId, {
        kind: 'part',
        description: 'Remblokken voor',
        quantityMilli: 1000,
        unitPriceCents: 8000,
        vatRateBp: 2100,
        state: 'awaiting_approval',
        explanation: 'De remblokken zijn tot op de plaat versleten.',
        stepId: inspection,
      });
      await work();
      await mailbox.waitFor(3);
      const approval = mailbox.received[2];
      expect(approval?.parsed.subject).toBe('Garage Zuid: uw akkoord is nodig voor APK + kleine beurt');
      expect(approval?.parsed.text).toMatch(/Remblokken voor, €\s96,80/);
      expect(approval?.parsed.html).toMatch(/href="http:\/\/tracker\.test\/t\/[^"#]+#approvals-heading"/);
    } finally {
      transport.close();
    }
  });

  it('follows the per-step flag and the customer’s preferences; push reads the same preferences', async () => {
    const { rt, clock, mailbox, transport, org, work } = await setup();
    try {
      const quietFlow = await createWorkflow(org.ctx, {
        name: 'Stil',
        steps: [{ title: 'Binnenwerk', notifyCustomer: false }, { title: 'Zichtbaar' }],
      });
      const input = sampleJob();
      const { jobId } = await createJob(org.ctx, { ...input, workflowId: quietFlow });
      const [inside, visible] = (
        await rt.database.db.select().from(steps).where(eq(steps.jobId, jobId)).orderBy(asc(steps.position))
      ).map((s) => s.id) as [string, string];
      await work();
      await mailbox.waitFor(1);
      clock.advance(11 * MINUTE);
      await changeStepStatus(org.ctx, jobId, inside, 'start');
      clock.advance(3 * MINUTE);
      await work();
      expect(mailbox.received).toHaveLength(1);

      await writeTransaction(rt.database.db, (tx) =>
        setPreferences(tx, jobId, { email: { progress: false }, push: { promise: false } }, clock.now()),
      );
      expect(await wants(rt.database.db, jobId, 'email', 'progress')).toBe(false);
      expect(await wants(rt.database.db, jobId, 'email', 'answer')).toBe(true);
      expect(await wants(rt.database.db, jobId, 'push', 'promise')).toBe(false);
      expect((await preferencesOf(rt.database.db, jobId)).sms.done).toBe(true);
      await changeStepStatus(org.ctx, jobId, inside, 'finish');
      await changeStepStatus(org.ctx, jobId, visible, 'start');
      const question = await askQuestion({ ...org.ctx, actor: { type: 'customer', id: null } }, jobId, {
        body: 'Wanneer is hij klaar?',
        channel: 'tracker',
      });
      await answerQuestion({ ...org.ctx, actor: { type: 'specialist', id: org.mechanic.id } }, question.id, {
        answer: 'Vanmiddag om vier uur.',
      });
      clock.advance(3 * MINUTE);
      await work();
      await mailbox.waitFor(2);
      // The mechanic (admin, with no email address in the factory) gets nothing; the customer only the answer.
      const customer = mailbox.to('sanne@example.nl');
      expect(customer).toHaveLength(2);
      expect(customer[1]?.parsed.subject).toBe('Garage Zuid: uw vraag is beantwoord');
      expect(customer[1]?.parsed.text).toContain('> Vanmiddag om vier uur.');
      expect(customer[1]?.parsed.text).not.toContain('is begonnen');
      const [row] = await rt.database.db.select().from(mailMessages).where(eq(mailMessages.kind, 'answer'));
      expect(row?.questionId).toBe(question.id);
    } finally {
      transport.close();
    }
  });

  it('one-click unsubscribe (no login) stops the next message; opening the link does not', async () => {
    const { rt, clock, mailbox, transport, org, work } = await setup();
    try {
      const job = await newJob(rt, org);
      await work();
      const [first] = await mailbox.waitFor(1);
      const url = new URL(/^<([^>]+)>$/.exec(first?.header('list-unsubscribe') ?? '')?.[1] ?? '');
      const app = unsubscribeRoutes(rt);
      const opened = await app.request(url.pathname);
      expect(opened.status).toBe(200);
      expect(await opened.text()).toContain(
        `Geen e-mail meer over opdracht ${job.reference} bij Garage Zuid?`,
      );
      expect(await wants(rt.database.db, job.jobId, 'email', 'progress')).toBe(true);

      const forged = await app.request(`${url.pathname.slice(0, -3)}AAA`, { method: 'POST' });
      expect(forged.status).toBe(404);
      const posted = await app.request(url.pathname, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: 'List-Unsubscribe=One-Click',
      });
      expect(posted.status).toBe(200);
      expect(await posted.text()).toContain('u ontvangt geen e-mail meer');

      clock.advance(11 * MINUTE);
      await changeStepStatus(org.ctx, job.jobId, job.steps[0] as string, 'start');
      clock.advance(3 * MINUTE);
      await work();
      expect(mailbox.received).toHaveLength(1);
      expect(await rt.database.db.select().from(mailMessages)).toHaveLength(1);
    } finally {
      transport.close();
    }
  });

  it('tells the specialist a question is for them, and of the customer’s decision on their extra work', async () => {
    const { rt, clock, mailbox, transport, org, work } = await setup();
    try {
      await rt.database.db
        .update(specialists)
        .set({ email: 'Fatima@Garage.test' })
        .where(eq(specialists.id, org.inspector.id));
      const job = await newJob(rt, org);
      const inspection = job.steps[1] as string;
      await changeStepStatus(org.ctx, job.jobId, inspection, 'start');
      await askQuestion({ ...org.ctx, actor: { type: 'customer', id: null } }, job.jobId, {
        stepId: inspection,
        body: 'Moeten de banden ook vervangen?',
        channel: 'tracker',
      });
      const line = await addCostLine(org.ctx, job.jobId, {
        kind: 'part',
        description: 'Twee nieuwe banden',
        quantityMilli: 2000,
        unitPriceCents: 9000,
        vatRateBp: 2100,
        state: 'awaiting_approval',
        explanation: 'Profiel onder de 1,6 mm.',
        stepId: inspection,
        specialistId: org.inspector.id,
      });
      await decideCostLine(
        { ...org.ctx, actor: { type: 'customer', id: null } },
        job.jobId,
        line.id,
        'approve',
      );
      clock.advance(MINUTE);
      await work();
      await eventually(() => mailbox.to('fatima@garage.test').length === 2);
      const [question, decision] = mailbox.to('fatima@garage.test');
      expect(question?.parsed.subject).toBe(`${job.reference}: een klant stelt een vraag`);
      expect(question?.parsed.text).toContain('> Moeten de banden ook vervangen?');
      expect(question?.parsed.text).toContain(`http://tracker.test/console/jobs/${job.jobId}`);
      expect(decision?.parsed.text).toContain(
        `De klant gaf akkoord voor Twee nieuwe banden bij ${job.reference}.`,
      );
    } finally {
      transport.close();
    }
  });

  it('a burst with a restart in the middle loses and duplicates nothing', async () => {
    const { rt, clock, mailbox, transport, org, options } = await setup();
    const JOBS = 70;
    const jobs = [];
    for (let i = 0; i < JOBS; i++) jobs.push(await newJob(rt, org, `klant${i}@example.nl`));
    // Half the burst, then the first process does part of its work and stops.
    for (const job of jobs) await changeStepStatus(org.ctx, job.jobId, job.steps[0] as string, 'start');
    await collectMailMoments({ db: rt.database.db, clock }, options);
    await flushCustomerMail({ db: rt.database.db, clock }, options);
    await sendDueMail(rt.database.db, clock, transport, 'tracker@mail.test');
    transport.close();
    const before = mailbox.received.length;
    expect(before).toBeGreaterThan(0);
    expect(before).toBeLessThan(JOBS);
    // The rest of the burst, handled by a second process on the same database.
    for (const job of jobs) {
      await changeStepStatus(org.ctx, job.jobId, job.steps[0] as string, 'finish');
      await changeStepStatus(org.ctx, job.jobId, job.steps[1] as string, 'start');
    }
    const second = await openDatabase(rt.config.databaseUrl);
    const again = smtpTransport(mailbox.url);
    try {
      for (let i = 0; i < 3; i++) {
        await work(second.db, clock, again, options);
        clock.advance(11 * MINUTE);
      }
      await work(second.db, clock, again, options);
      // Every event is in exactly one message: tracker links, then each start and finish once.
      expect(countIn(mailbox, /volgt elke stap/g)).toBe(JOBS);
      expect(countIn(mailbox, /Intake is begonnen\./g)).toBe(JOBS);
      expect(countIn(mailbox, /Intake is klaar\./g)).toBe(JOBS);
      expect(countIn(mailbox, /Keuring is begonnen\./g)).toBe(JOBS);
      const ids = mailbox.received.map((m) => m.parsed.messageId);
      expect(new Set(ids).size).toBe(ids.length);
      for (let i = 0; i < JOBS; i++) expect(mailbox.to(`klant${i}@example.nl`)).toHaveLength(2);
    } finally {
      again.close();
      second.close();
    }
  });
});
