import { describe, expect, it } from 'vitest';
import { simplePdf } from '../../src/demo/simple-pdf';
import { setPreferences } from '../../src/notify/preferences';
import { addCostLine } from '../../src/services/costs/cost-lines';
import { addDocument } from '../../src/services/documents/documents';
import { requestQuoteSignoff } from '../../src/services/documents/signoffs';
import { createJob } from '../../src/services/jobs/create-job';
import { getJob } from '../../src/services/jobs/read-job';
import { makeOrganisation } from '../helpers';
import { startMailWork } from '../mailbox';

/**
 * Issue 19, the customer's sign-off: a customer who closed the tab hears that a document or the quote waits
 * for them — an email in their language with a button to the sign-off page, sent at once (like an approval
 * of extra work) and under the same preference. Through a real SMTP server, read back with mailparser.
 */
const draft = simplePdf('Concept-akte', ['Testament van A. de Vries']);

async function setup() {
  const { rt, mailbox, transport, work } = await startMailWork();
  const org = await makeOrganisation(rt, { name: 'Notariskantoor Jansen' });
  const newJob = async (reference: string, locale: 'nl' | 'en') => {
    const { jobId } = await createJob(org.ctx, {
      reference,
      title: 'Testament',
      customer: { name: 'Anna de Vries', email: `${reference.toLowerCase()}@example.nl`, locale },
      workflowId: org.workflowId,
    });
    return { jobId, stepId: (await getJob(org.ctx, jobId)).steps[1]?.id ?? '' };
  };
  return { rt, mailbox, transport, org, newJob, work };
}

describe('a sign-off asked by email', () => {
  it('tells the customer in their language, with a button to the sign-off page; an opt-out is kept', async () => {
    const { rt, mailbox, transport, org, newJob, work } = await setup();
    try {
      const nl = await newJob('S-1', 'nl');
      const en = await newJob('S-2', 'en');
      const quiet = await newJob('S-3', 'nl');
      await work();
      await mailbox.waitFor(3); // the tracker links
      await setPreferences(rt.database.db, quiet.jobId, { email: { approval: false } }, Date.now());

      const ask = (job: { jobId: string; stepId: string }) =>
        addDocument(
          org.ctx,
          job.jobId,
          job.stepId,
          { title: 'Concept-akte', visibleToCustomer: true, requestSignoff: true },
          { bytes: draft, name: 'akte.pdf' },
        );
      await ask(nl);
      await ask(quiet);
      await addCostLine(org.ctx, en.jobId, {
        kind: 'labour',
        description: 'Opstellen testament',
        quantityMilli: 1000,
        unitPriceCents: 45000,
        vatRateBp: 2100,
        state: 'estimate',
      });
      const quote = await requestQuoteSignoff(org.ctx, en.jobId);
      await work();
      const got = await mailbox.waitFor(5);
      expect(got.length).toBe(5);
      const to = mailbox.to;

      const [dutch] = to('s-1@example.nl').slice(1);
      expect(dutch?.parsed.subject).toBe(
        'Notariskantoor Jansen: uw handtekening wordt gevraagd voor Testament',
      );
      expect(dutch?.parsed.text).toContain('Een document wacht op uw akkoord.');
      expect(dutch?.parsed.html).toContain('Lezen en ondertekenen');
      expect(String(dutch?.parsed.html)).toMatch(/\/t\/[\w-]+\?signoff=sign_[\w-]+/);

      const [english] = to('s-2@example.nl').slice(1);
      expect(english?.parsed.subject).toBe('Notariskantoor Jansen: your signature is asked for Testament');
      expect(english?.parsed.text).toContain('The quote waits for your approval before the work starts.');
      expect(String(english?.parsed.html)).toContain(`?signoff=${quote.id}`);

      // The customer who said no to approval messages by email gets none.
      await new Promise((r) => setTimeout(r, 200));
      expect(to('s-3@example.nl')).toHaveLength(1);
    } finally {
      transport.close();
    }
  });
});
