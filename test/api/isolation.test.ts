import { eq } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  costLines,
  documents,
  events,
  invoiceCounters,
  invoices,
  jobs,
  notes,
  signoffs,
  steps,
} from '../../db/schema';
import { createApi } from '../../src/api';
import { addCostLine } from '../../src/services/costs/cost-lines';
import { askQuestion } from '../../src/services/customer-voice/questions';
import { addDocument } from '../../src/services/documents/documents';
import { listInvoices } from '../../src/services/invoices/read';
import { createJob } from '../../src/services/jobs/create-job';
import { apiClient, makeOrganisation, sampleJob, type TestOrg, testRuntime } from '../helpers';
import { finishJob, jobWithLines, withInvoiceDetails } from '../invoices/fixtures';

/**
 * Every operation in the OpenAPI document, called with organisation A's key on organisation B's
 * objects: 404, and nothing of B is written. Walking the document means a new operation is covered
 * (or fails here) without anyone remembering to add it.
 */
const rt = await testRuntime();
const call = apiClient(rt);
let a: TestOrg;
let b: TestOrg;
let ids: {
  bJob: string;
  bStep: string;
  bLine: string;
  bQuestion: string;
  aJob: string;
  aStep: string;
  aLine: string;
  bInvoice: string;
  aDoneJob: string;
  bDocument: string;
};

const snapshotOfB = async () => {
  const db = rt.database.db;
  return JSON.stringify({
    jobs: await db.select().from(jobs).where(eq(jobs.organisationId, b.id)),
    steps: await db.select().from(steps).where(eq(steps.jobId, ids.bJob)),
    notes: await db.select().from(notes).where(eq(notes.jobId, ids.bJob)),
    lines: await db.select().from(costLines).where(eq(costLines.jobId, ids.bJob)),
    events: await db.select().from(events).where(eq(events.organisationId, b.id)),
    invoices: await db.select().from(invoices).where(eq(invoices.organisationId, b.id)),
    counters: await db.select().from(invoiceCounters).where(eq(invoiceCounters.organisationId, b.id)),
    documents: await db.select().from(documents).where(eq(documents.organisationId, b.id)),
    signoffs: await db.select().from(signoffs).where(eq(signoffs.organisationId, b.id)),
  });
};

const line = {
  kind: 'part' as const,
  description: 'Remblokken',
  quantityMilli: 1000,
  unitPriceCents: 4500,
  vatRateBp: 2100,
  state: 'estimate' as const,
};

beforeAll(async () => {
  a = await makeOrganisation(rt);
  b = await makeOrganisation(rt);
  const make = async (org: TestOrg) => {
    const { jobId } = await createJob(org.ctx, { ...sampleJob(), workflowId: org.workflowId });
    const [step] = await rt.database.db.select().from(steps).where(eq(steps.jobId, jobId));
    const cost = await addCostLine(org.ctx, jobId, line);
    const question = await askQuestion(org.ctx, jobId, {
      stepId: step?.id,
      channel: 'phone',
      body: 'Klaar?',
    });
    const doc = await addDocument(
      org.ctx,
      jobId,
      step?.id ?? '',
      { title: 'Concept-akte', visibleToCustomer: true },
      { bytes: new TextEncoder().encode('%PDF-1.4\n%%EOF\n'), name: 'akte.pdf' },
    );
    return { job: jobId, step: step?.id ?? '', line: cost.id, question: question.id, document: doc.id };
  };
  const inA = await make(a);
  const inB = await make(b);
  // A done job with an invoice in each organisation.
  const invoiced = async (org: TestOrg) => {
    await withInvoiceDetails(rt, org);
    const jobId = await jobWithLines(org.ctx, org);
    await finishJob(org.ctx, jobId);
    return { jobId, invoiceId: (await listInvoices(org.ctx, jobId))[0]?.id ?? '' };
  };
  const doneA = await invoiced(a);
  const doneB = await invoiced(b);
  ids = {
    bJob: inB.job,
    bStep: inB.step,
    bLine: inB.line,
    bQuestion: inB.question,
    aJob: inA.job,
    aStep: inA.step,
    aLine: inA.line,
    bInvoice: doneB.invoiceId,
    aDoneJob: doneA.jobId,
    bDocument: inB.document,
  };
  expect(doneB.invoiceId).not.toBe('');
});

/** A body that passes validation for each operation, so a 404 can only come from ownership. */
function validBody(method: string, path: string): unknown {
  if (method === 'get' || method === 'delete') return undefined;
  if (path.endsWith('/assignee')) return { assigneeId: null };
  if (/\/promise(\/preview)?$/.test(path))
    return { promisedAt: '2026-12-01T10:00:00Z', reason: 'Onderdeel later' };
  if (path.endsWith('/notes')) return { markdown: 'Hallo' };
  if (path.endsWith('/cost-lines'))
    return { kind: 'part', description: 'x', quantity: 1, unitPriceCents: 100, vatRate: 21 };
  if (path.endsWith('/{lineId}')) return { description: 'Overgenomen' };
  if (path.endsWith('/questions')) return { channel: 'phone', body: 'Hallo?' };
  if (path.endsWith('/answer')) return { answer: 'Ja', answeredById: a.mechanic.id };
  if (path.endsWith('/asks')) return { body: 'Mag het?', askedById: a.mechanic.id };
  if (path.endsWith('/feedback/follow-up')) return { note: 'Gebeld' };
  if (path.endsWith('/booking')) return { startsAt: '2026-12-01T10:00:00Z' };
  if (path.endsWith('/credit-note')) return { reason: 'Verkeerde prijs' };
  if (path.endsWith('/{documentId}')) return { visibleToCustomer: false };
  if (path.endsWith('/delivery')) return { recipientName: 'Piet' };
  return {};
}

type Operation = { method: string; path: string };

async function operations(): Promise<Operation[]> {
  const response = await createApi(rt).request('/api/v1/openapi.json');
  const doc = (await response.json()) as { paths: Record<string, Record<string, unknown>> };
  return Object.entries(doc.paths).flatMap(([path, byMethod]) =>
    Object.keys(byMethod).map((method) => ({ method, path })),
  );
}

const fill = (path: string, values: Record<string, string>) =>
  path.replace(/\{(\w+)\}/g, (_, name: string) => values[name] ?? `{${name}}`);

describe("organisation A's key on organisation B's objects", () => {
  it('gets 404 from every operation that names a job, step or cost line, and writes nothing', async () => {
    const before = await snapshotOfB();
    const ops = (await operations()).filter((op) => /\{(jobId|stepId|lineId|invoiceId)\}/.test(op.path));
    expect(ops.length).toBeGreaterThanOrEqual(13);
    for (const op of ops) {
      // B's job; and A's own job with B's step or cost line.
      const targets: Record<string, string>[] = [
        {
          jobId: ids.bJob,
          stepId: ids.bStep,
          lineId: ids.bLine,
          questionId: ids.bQuestion,
          invoiceId: ids.bInvoice,
          documentId: ids.bDocument,
          version: '1',
        },
      ];
      // A's own done job with B's invoice.
      if (op.path.includes('{invoiceId}')) targets.push({ jobId: ids.aDoneJob, invoiceId: ids.bInvoice });
      if (op.path.includes('{documentId}'))
        targets.push({ jobId: ids.aJob, documentId: ids.bDocument, version: '1' });
      if (op.path.includes('{stepId}'))
        targets.push({ jobId: ids.aJob, stepId: ids.bStep, lineId: ids.aLine });
      if (op.path.includes('{lineId}'))
        targets.push({ jobId: ids.aJob, stepId: ids.aStep, lineId: ids.bLine });
      for (const target of targets) {
        // A query the operation needs, so the refusal is about whose object it is, not a missing field.
        const query = op.method === 'delete' && op.path.endsWith('/booking') ? '?reason=Klant%20belde' : '';
        const path = fill(op.path, target) + query;
        const response = await call(op.method.toUpperCase(), path, {
          key: a.key,
          body: validBody(op.method, op.path),
        });
        expect(response.status, `${op.method} ${path}`).toBe(404);
        expect(response.json.error.code, `${op.method} ${path}`).toBe('not_found');
      }
    }
    expect(await snapshotOfB()).toBe(before);
  });

  it("never lists B's jobs, team or workflows, and treats B's ids in input like unknown ones", async () => {
    const listed = await call('GET', '/jobs?limit=100', { key: a.key });
    expect(listed.json.jobs.map((j: { id: string }) => j.id)).not.toContain(ids.bJob);
    const team = await call('GET', '/specialists', { key: a.key });
    expect(team.json.specialists.map((s: { id: string }) => s.id)).not.toContain(b.mechanic.id);
    const flows = await call('GET', '/workflows', { key: a.key });
    expect(flows.json.workflows.map((w: { id: string }) => w.id)).not.toContain(b.workflowId);

    const before = await snapshotOfB();
    const withB = await call('POST', '/jobs', {
      key: a.key,
      body: { ...sampleJob(), workflowId: b.workflowId },
    });
    const withUnknown = await call('POST', '/jobs', {
      key: a.key,
      body: { ...sampleJob(), workflowId: 'wf_unknown' },
    });
    expect(withB.status).toBe(withUnknown.status);
    expect(withB.json.error.message).toBe(withUnknown.json.error.message);
    const assignB = await call('PUT', `/jobs/${ids.aJob}/steps/${ids.aStep}/assignee`, {
      key: a.key,
      body: { assigneeId: b.mechanic.id },
    });
    const assignUnknown = await call('PUT', `/jobs/${ids.aJob}/steps/${ids.aStep}/assignee`, {
      key: a.key,
      body: { assigneeId: 'spec_unknown' },
    });
    expect([assignB.status, assignB.json.error.message]).toEqual([
      assignUnknown.status,
      assignUnknown.json.error.message,
    ]);
    expect(await snapshotOfB()).toBe(before);
  });
});
