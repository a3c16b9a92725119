import { createHash } from 'node:crypto';
import { crc32, deflateSync } from 'node:zlib';
import { and, eq } from 'drizzle-orm';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { costLines, documentVersions, events, signoffs } from '../../db/schema';
import { createApi } from '../../src/api';
import { simplePdf } from '../../src/demo/simple-pdf';
import { readEvent } from '../../src/events/catalogue';
import { contextFor } from '../../src/runtime';
import { decideCostLine } from '../../src/services/costs/approve-cost';
import { addCostLine, changeCostLine } from '../../src/services/costs/cost-lines';
import {
  addDocument,
  changeDocument,
  customerDocumentFile,
  customerDocuments,
  replaceDocument,
} from '../../src/services/documents/documents';
import { checkFile } from '../../src/services/documents/files';
import { activeContent } from '../../src/services/documents/pdf-scan';
import {
  decideSignoff,
  requestDocumentSignoff,
  requestQuoteSignoff,
  signoffSubject,
} from '../../src/services/documents/signoffs';
import { createJob } from '../../src/services/jobs/create-job';
import { cancelJob } from '../../src/services/jobs/job-admin';
import { getJob } from '../../src/services/jobs/read-job';
import { LIMITS } from '../../src/services/platform/limits';
import { makeOrganisation, refusal, sampleJob, testRuntime } from '../helpers';

const rt = await testRuntime();
const org = await makeOrganisation(rt);
const other = await makeOrganisation(rt);
const customer = contextFor(rt, org.id, { type: 'customer', id: null });
const api = createApi(rt);
const sha = (b: Uint8Array | string) => createHash('sha256').update(b).digest('hex');
const evidence = { ip: '203.0.113.7', userAgent: 'Mozilla/5.0 (test)' };

const draft = simplePdf('Concept-akte', ['Testament van A. de Vries', 'Concept ter beoordeling.']);

async function newJob(o = org) {
  const { jobId } = await createJob(o.ctx, { ...sampleJob(), workflowId: o.workflowId });
  const step = (await getJob(o.ctx, jobId)).steps[1];
  if (!step) throw new Error('no step');
  return { jobId, stepId: step.id };
}

const pdfWith = (extra: string) =>
  new Uint8Array(
    Buffer.from(
      `%PDF-1.4\n1 0 obj\n<< /Type /Catalog ${extra} >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n`,
      'latin1',
    ),
  );

/** A real PNG whose header claims 60 000 × 60 000 pixels (3.6 gigapixels): a decompression bomb. */
async function pixelBomb(): Promise<Uint8Array> {
  const png = await sharp({ create: { width: 8, height: 8, channels: 3, background: '#fff' } })
    .png()
    .toBuffer();
  const ihdr = png.indexOf('IHDR');
  png.writeUInt32BE(60_000, ihdr + 4);
  png.writeUInt32BE(60_000, ihdr + 8);
  png.writeUInt32BE(crc32(png.subarray(ihdr, ihdr + 17)), ihdr + 17);
  return new Uint8Array(png);
}

const upload = (
  jobId: string,
  stepId: string,
  file: Blob,
  name: string,
  fields: Record<string, string> = {},
) => {
  const form = new FormData();
  form.set('file', file, name);
  form.set('title', 'Concept-akte');
  for (const [k, v] of Object.entries(fields)) form.set(k, v);
  return api.request(`/api/v1/jobs/${jobId}/steps/${stepId}/documents`, {
    method: 'POST',
    headers: { authorization: `Bearer ${org.key}` },
    body: form,
  });
};

describe('documents on a step', () => {
  it('stores a PDF with the SHA-256 of its bytes, and serves exactly those bytes, inert', async () => {
    const { jobId, stepId } = await newJob();
    const created = await upload(jobId, stepId, new Blob([Buffer.from(draft)]), 'concept akte (v1).pdf', {
      visibleToCustomer: 'true',
      translations: JSON.stringify({ en: { title: 'Draft deed' } }),
    });
    expect(created.status).toBe(201);
    const doc = (await created.json()) as {
      id: string;
      sha256: string;
      filename: string;
      translations: unknown;
    };
    expect(doc.sha256).toBe(sha(draft));
    expect(doc.filename).toBe('concept-akte-v1.pdf');
    expect(doc.translations).toEqual({ en: { title: 'Draft deed' } });

    const file = await api.request(`/api/v1/jobs/${jobId}/documents/${doc.id}/versions/1/file`, {
      headers: { authorization: `Bearer ${org.key}` },
    });
    expect(file.status).toBe(200);
    const bytes = new Uint8Array(await file.arrayBuffer());
    expect(sha(bytes)).toBe(doc.sha256);
    expect(Buffer.from(bytes).equals(Buffer.from(draft))).toBe(true);
    expect(file.headers.get('content-type')).toBe('application/pdf');
    expect(file.headers.get('x-content-type-options')).toBe('nosniff');
    expect(file.headers.get('content-security-policy')).toMatch(/^sandbox; default-src 'none'/);
    expect(file.headers.get('content-disposition')).toBe('attachment; filename="concept-akte-v1.pdf"');

    const logged = await rt.database.db
      .select()
      .from(events)
      .where(and(eq(events.jobId, jobId), eq(events.type, 'document.added')));
    expect(logged.map((e) => [e.visibility, readEvent(e)?.type])).toEqual([['customer', 'document.added']]);
  });

  it('re-encodes images (no metadata) and hashes what it stored', async () => {
    const { jobId, stepId } = await newJob();
    const jpeg = await sharp({ create: { width: 40, height: 30, channels: 3, background: '#c00' } })
      .jpeg()
      .withMetadata({ exif: { IFD0: { Copyright: 'secret owner' } } })
      .toBuffer();
    const doc = await addDocument(
      org.ctx,
      jobId,
      stepId,
      { title: 'Foto schade', visibleToCustomer: true },
      { bytes: jpeg, name: 'IMG_1.JPG' },
    );
    const [stored] = await rt.database.db
      .select()
      .from(documentVersions)
      .where(eq(documentVersions.id, doc.versionId));
    expect(stored?.contentType).toBe('image/jpeg');
    expect(sha(stored?.bytes ?? new Uint8Array())).toBe(doc.sha256);
    expect(Buffer.from(stored?.bytes ?? []).includes('secret owner')).toBe(false);
    expect(doc.filename).toBe('IMG_1.jpg');
  });

  it('refuses hostile uploads with a clear 4xx in the error shape', async () => {
    const { jobId, stepId } = await newJob();
    const svg = '<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>';
    const cases: [string, Uint8Array, string][] = [
      [
        'HTML renamed to .pdf',
        new TextEncoder().encode('<!doctype html><script>alert(1)</script>'),
        'unsupported_media_type',
      ],
      ['SVG with a script', new TextEncoder().encode(svg), 'unsupported_media_type'],
      [
        'PDF with JavaScript',
        pdfWith('/OpenAction << /S /JavaScript /JS (app.alert(1)) >>'),
        'invalid_input',
      ],
      ['PDF with an escaped name', pdfWith('/OpenAction << /S /J#61vaScript /J#53 (x) >>'), 'invalid_input'],
      ['PDF that launches', pdfWith('/OpenAction << /S /Launch /F (cmd.exe) >>'), 'invalid_input'],
      ['PDF with an embedded file', pdfWith('/Names << /EmbeddedFiles 2 0 R >>'), 'invalid_input'],
      ['PDF with page actions', pdfWith('/AA << /O 3 0 R >>'), 'invalid_input'],
      ['pixel bomb', await pixelBomb(), 'invalid_input'],
      ['empty file', new Uint8Array(0), 'invalid_input'],
    ];
    for (const [what, bytes, code] of cases) {
      const response = await upload(jobId, stepId, new Blob([Buffer.from(bytes)]), 'akte.pdf');
      const body = (await response.json()) as {
        error: { code: string; message: string; details: { field: string } };
        requestId: string;
      };
      expect(response.status, what).toBe(422);
      expect(body.error.code, what).toBe(code);
      expect(body.error.details.field, what).toBe('file');
      expect(typeof body.requestId, what).toBe('string');
    }
    expect((await customerDocuments(rt.database.db, jobId)).length).toBe(0);
  });

  it('finds scripts hidden in a compressed object stream, and accepts a plain /OpenAction', () => {
    const hidden = deflateSync(Buffer.from('<< /S /JavaScript /JS (app.alert(1)) >>'));
    const pdf = Buffer.concat([
      Buffer.from(
        `%PDF-1.5\n2 0 obj\n<< /Type /ObjStm /N 1 /First 4 /Filter /FlateDecode /Length ${hidden.length} >>\nstream\n`,
        'latin1',
      ),
      hidden,
      Buffer.from('\nendstream\nendobj\n%%EOF\n', 'latin1'),
    ]);
    expect(activeContent(pdf)).toBe(true);
    // Binary page content that happens to spell a name is not an action.
    const binary = Buffer.concat([
      Buffer.from('%PDF-1.4\n3 0 obj\n<< /Length 8 >>\nstream\n', 'latin1'),
      Buffer.from('/JS (x)\n', 'latin1'),
      Buffer.from(
        '\nendstream\nendobj\n1 0 obj\n<< /Type /Catalog /OpenAction [3 0 R /Fit] >>\nendobj\n%%EOF\n',
        'latin1',
      ),
    ]);
    expect(activeContent(binary)).toBe(false);
    expect(activeContent(draft)).toBe(false);
  });

  it('reads a PDF as a reader does: no stream hides in a string or a comment, no padding hides an object stream', () => {
    const pdf = (body: string) => Buffer.from(`%PDF-1.4\n${body}\n%%EOF\n`, 'latin1');
    // The word "stream" inside a string or a comment does not start stream data.
    expect(
      activeContent(
        pdf(
          '1 0 obj\n<< /Foo (stream\n) /OpenAction << /S /JavaScript /JS (app.alert(1)) >> /Bar (endstream) >>\nendobj',
        ),
      ),
    ).toBe(true);
    expect(
      activeContent(
        pdf(
          '% stream\n1 0 obj\n<< /OpenAction << /S /JavaScript /JS (app.alert(1)) >> >>\nendobj\n% endstream',
        ),
      ),
    ).toBe(true);
    expect(
      activeContent(
        pdf('1 0 obj\n<< /Foo (>> stream\n) /Length 5 /AA << /O 3 0 R >> /Bar (endstream) >>\nendobj'),
      ),
    ).toBe(true);
    // An object stream whose dictionary is padded far beyond its start is still inflated and read.
    const hidden = deflateSync(Buffer.from('<< /S /JavaScript /JS (app.alert(1)) >>'));
    const padded = Buffer.concat([
      Buffer.from(
        `%PDF-1.5\n2 0 obj\n<< /Type /ObjStm${' '.repeat(5000)}/N 1 /First 4 /Filter /FlateDecode /Length ${hidden.length} >>\nstream\n`,
        'latin1',
      ),
      hidden,
      Buffer.from('\nendstream\nendobj\n%%EOF\n', 'latin1'),
    ]);
    expect(activeContent(padded)).toBe(true);
    // Stream data is skipped by its length, an indirect one too; a name's bytes inside it are not an action.
    const content = '/JS (x) Tj';
    expect(
      activeContent(
        pdf(
          `3 0 obj\n<< /Length 4 0 R >>\nstream\n${content}\nendstream\nendobj\n4 0 obj\n${content.length}\nendobj`,
        ),
      ),
    ).toBe(false);
    // A length that does not end at `endstream` vouches for nothing: the data is read.
    expect(activeContent(pdf(`3 0 obj\n<< /Length 2 >>\nstream\n${content}\nendstream\nendobj`))).toBe(true);
    // A name spelled inside a string is text, not an action.
    expect(activeContent(pdf('1 0 obj\n<< /Title (About /JavaScript and /JS) >>\nendobj'))).toBe(false);
    // An object stream that is not compressed, or does not inflate, cannot be checked.
    expect(activeContent(pdf('2 0 obj\n<< /Type /ObjStm /Length 3 >>\nstream\nabc\nendstream\nendobj'))).toBe(
      true,
    );
  });

  it('refuses a 200 MB body before reading it, declared or streamed', async () => {
    const { jobId, stepId } = await newJob();
    let pulled = 0;
    const chunk = new Uint8Array(1024 * 1024);
    const endless = () =>
      new ReadableStream<Uint8Array>({
        pull(controller) {
          pulled += chunk.byteLength;
          if (pulled > 200 * 1024 * 1024) controller.close();
          else controller.enqueue(chunk);
        },
      });
    const path = `/api/v1/jobs/${jobId}/steps/${stepId}/documents`;
    const headers = { authorization: `Bearer ${org.key}`, 'content-type': 'multipart/form-data; boundary=x' };
    const declared = await api.request(path, {
      method: 'POST',
      headers: { ...headers, 'content-length': String(200 * 1024 * 1024) },
      body: endless(),
      duplex: 'half',
    } as RequestInit);
    expect(declared.status).toBe(413);
    expect(((await declared.json()) as { error: { code: string } }).error.code).toBe('payload_too_large');
    expect(pulled).toBeLessThan(4 * 1024 * 1024);

    pulled = 0;
    const streamed = await api.request(path, {
      method: 'POST',
      headers,
      body: endless(),
      duplex: 'half',
    } as RequestInit);
    expect(streamed.status).toBe(413);
    expect(pulled).toBeLessThan(rt.config.documentMaxBytes + 4 * 1024 * 1024);
  });

  it('limits size in the service too (the configured largest document)', async () => {
    const big = new Uint8Array(2 * 1024 * 1024 + 1);
    big.set(draft);
    const error = await refusal(checkFile('file', big, 'x.pdf', 2 * 1024 * 1024));
    expect(error.reason).toBe('document_too_large');
  });

  it('takes direction controls out of an uploaded document’s title, as out of JSON bodies', async () => {
    const { jobId, stepId } = await newJob();
    const response = await upload(jobId, stepId, new Blob([Buffer.from(draft)]), 'akte.pdf', {
      title: 'Akte\u202Efdp.exe',
    });
    expect(response.status).toBe(201);
    const body = (await response.json()) as { title: string };
    expect(body.title).toBe('Aktefdp.exe');
  });

  it('keeps at most so many documents on a job, and versions of a document (409, nothing written)', async () => {
    const { jobId, stepId } = await newJob();
    const add = () =>
      addDocument(
        org.ctx,
        jobId,
        stepId,
        { title: 'Foto', visibleToCustomer: false },
        { bytes: draft, name: 'f.pdf' },
      );
    const first = await add();
    for (let i = 1; i < LIMITS.documentsPerJob; i++) await add();
    expect((await refusal(add())).reason).toBe('too_many_documents');
    for (let v = 1; v < LIMITS.versionsPerDocument; v++)
      await replaceDocument(org.ctx, jobId, first.id, { bytes: draft, name: 'f.pdf' });
    expect(
      (await refusal(replaceDocument(org.ctx, jobId, first.id, { bytes: draft, name: 'f.pdf' }))).reason,
    ).toBe('too_many_versions');
    const kept = await rt.database.db
      .select({ id: documentVersions.id })
      .from(documentVersions)
      .where(eq(documentVersions.jobId, jobId));
    expect(kept.length).toBe(LIMITS.documentsPerJob - 1 + LIMITS.versionsPerDocument);
  });

  it('asks no sign-off on a closed job, where the customer could never decide', async () => {
    const { jobId, stepId } = await newJob();
    await cancelJob(org.ctx, jobId, { reason: 'Klant heeft afgezegd' });
    const asked = await refusal(
      addDocument(
        org.ctx,
        jobId,
        stepId,
        { title: 'Akte', visibleToCustomer: true, requestSignoff: true },
        { bytes: draft, name: 'a.pdf' },
      ),
    );
    expect(asked.reason).toBe('job_closed');
    const kept = await addDocument(
      org.ctx,
      jobId,
      stepId,
      { title: 'Akte', visibleToCustomer: true },
      { bytes: draft, name: 'a.pdf' },
    );
    expect(kept.signoffRequested).toBe(false);
    expect(await rt.database.db.select().from(signoffs).where(eq(signoffs.jobId, jobId))).toEqual([]);
  });

  it('shows the customer only visible documents of their own job, newest version first', async () => {
    const { jobId, stepId } = await newJob();
    const shown = await addDocument(
      org.ctx,
      jobId,
      stepId,
      { title: 'Rapport', visibleToCustomer: true },
      { bytes: draft, name: 'r.pdf' },
    );
    const hidden = await addDocument(
      org.ctx,
      jobId,
      stepId,
      { title: 'Intern', visibleToCustomer: false },
      { bytes: draft, name: 'i.pdf' },
    );
    const elsewhere = await newJob(other);
    const theirs = await addDocument(
      other.ctx,
      elsewhere.jobId,
      elsewhere.stepId,
      { title: 'Ander', visibleToCustomer: true },
      { bytes: draft, name: 'a.pdf' },
    );
    const db = rt.database.db;
    expect((await customerDocuments(db, jobId)).map((d) => d.id)).toEqual([shown.id]);
    expect(await customerDocumentFile(db, jobId, shown.versionId)).not.toBeNull();
    expect(await customerDocumentFile(db, jobId, hidden.versionId)).toBeNull();
    expect(await customerDocumentFile(db, jobId, theirs.versionId)).toBeNull();
    // Another organisation's staff: not found.
    expect(
      (await refusal(replaceDocument(other.ctx, jobId, shown.id, { bytes: draft, name: 'x.pdf' }))).kind,
    ).toBe('not_found');
    // Hidden later: gone from the tracker at once.
    await changeDocument(org.ctx, jobId, shown.id, { visibleToCustomer: false });
    expect(await customerDocumentFile(db, jobId, shown.versionId)).toBeNull();
  });

  it('replaces a version on the tracker and keeps the old one for staff and in the log', async () => {
    const { jobId, stepId } = await newJob();
    const first = await addDocument(
      org.ctx,
      jobId,
      stepId,
      { title: 'Akte', visibleToCustomer: true },
      { bytes: draft, name: 'a.pdf' },
    );
    const second = simplePdf('Concept-akte', ['Tweede versie.']);
    const replaced = await replaceDocument(org.ctx, jobId, first.id, { bytes: second, name: 'a.pdf' });
    expect(replaced.version).toBe(2);
    expect(replaced.versions.map((v) => v.version)).toEqual([2, 1]);
    const db = rt.database.db;
    expect((await customerDocuments(db, jobId))[0]?.sha256).toBe(sha(second));
    expect(await customerDocumentFile(db, jobId, first.versionId)).toBeNull();
    const old = await api.request(`/api/v1/jobs/${jobId}/documents/${first.id}/versions/1/file`, {
      headers: { authorization: `Bearer ${org.key}` },
    });
    expect(sha(new Uint8Array(await old.arrayBuffer()))).toBe(sha(draft));
    const [event] = await db
      .select()
      .from(events)
      .where(and(eq(events.jobId, jobId), eq(events.type, 'document.replaced')));
    expect(event?.payload).toMatchObject({
      previous: { version: 1, versionId: first.versionId, sha256: sha(draft) },
    });
  });
});

describe("the customer's sign-off", () => {
  it('records name, time, address, browser and the hash of the stored bytes; a new version asks again', async () => {
    const { jobId, stepId } = await newJob();
    const doc = await addDocument(
      org.ctx,
      jobId,
      stepId,
      { title: 'Concept-akte', visibleToCustomer: true, requestSignoff: true },
      { bytes: draft, name: 'akte.pdf' },
    );
    const [asked] = await rt.database.db.select().from(signoffs).where(eq(signoffs.documentId, doc.id));
    if (!asked) throw new Error('no sign-off asked');
    const subject = await signoffSubject(rt.database.db, jobId, asked.id);
    const decision = {
      decision: 'sign' as const,
      name: 'Anna de Vries',
      consent: true,
      reason: '',
      sha256: subject?.sha256 ?? '',
      locale: 'nl' as const,
    };

    expect(
      (await refusal(decideSignoff(customer, jobId, asked.id, { ...decision, name: ' ' }, evidence))).reason,
    ).toBe('signer_name_needed');
    expect(
      (await refusal(decideSignoff(customer, jobId, asked.id, { ...decision, consent: false }, evidence)))
        .reason,
    ).toBe('confirm_required');
    expect(
      (
        await refusal(
          decideSignoff(customer, jobId, asked.id, { ...decision, sha256: sha('other') }, evidence),
        )
      ).reason,
    ).toBe('signoff_changed');

    const signed = await decideSignoff(customer, jobId, asked.id, decision, evidence);
    const [stored] = await rt.database.db
      .select()
      .from(documentVersions)
      .where(eq(documentVersions.id, doc.versionId));
    // The record's hash is the stored document's, byte for byte.
    expect(signed.sha256).toBe(sha(stored?.bytes ?? new Uint8Array()));
    expect(signed.sha256).toBe(sha(draft));
    expect(signed).toMatchObject({
      status: 'signed',
      signerName: 'Anna de Vries',
      ip: evidence.ip,
      userAgent: evidence.userAgent,
      version: 1,
      locale: 'nl',
    });
    expect(signed.consentText).toMatch(/eenvoudige elektronische handtekening/);
    expect((await refusal(decideSignoff(customer, jobId, asked.id, decision, evidence))).reason).toBe(
      'signoff_not_open',
    );

    // A new version: the approval stays as of version 1; version 2 asks again.
    await replaceDocument(org.ctx, jobId, doc.id, {
      bytes: simplePdf('Akte', ['Gewijzigd.']),
      name: 'akte.pdf',
    });
    const all = await rt.database.db.select().from(signoffs).where(eq(signoffs.documentId, doc.id));
    expect(all.map((s) => [s.version, s.status]).sort()).toEqual([
      [1, 'signed'],
      [2, 'requested'],
    ]);
    // What they signed stays readable to them.
    expect(await customerDocumentFile(rt.database.db, jobId, doc.versionId)).not.toBeNull();
    const types = (await rt.database.db.select().from(events).where(eq(events.jobId, jobId))).map(
      (e) => e.type,
    );
    expect(types).toEqual(
      expect.arrayContaining(['signoff.requested', 'signoff.signed', 'document.replaced']),
    );
  });

  it('withdraws an open sign-off when a new version comes, and asks a reason to decline', async () => {
    const { jobId, stepId } = await newJob();
    const doc = await addDocument(
      org.ctx,
      jobId,
      stepId,
      { title: 'Rapport', visibleToCustomer: true },
      { bytes: draft, name: 'r.pdf' },
    );
    const asked = await requestDocumentSignoff(org.ctx, jobId, doc.id);
    const v2 = await replaceDocument(org.ctx, jobId, doc.id, {
      bytes: simplePdf('Rapport', ['v2']),
      name: 'r.pdf',
    });
    const [withdrawn] = await rt.database.db.select().from(signoffs).where(eq(signoffs.id, asked.id));
    expect(withdrawn?.status).toBe('withdrawn');
    const [open] = await rt.database.db
      .select()
      .from(signoffs)
      .where(and(eq(signoffs.versionId, v2.versionId), eq(signoffs.status, 'requested')));
    if (!open) throw new Error('no new request');
    const base = {
      decision: 'decline' as const,
      name: '',
      consent: false,
      reason: '',
      sha256: v2.sha256,
      locale: 'en' as const,
    };
    expect((await refusal(decideSignoff(customer, jobId, open.id, base, evidence))).reason).toBe(
      'decline_reason_needed',
    );
    const declined = await decideSignoff(
      customer,
      jobId,
      open.id,
      { ...base, reason: 'The name is misspelled.' },
      evidence,
    );
    expect(declined).toMatchObject({
      status: 'declined',
      reason: 'The name is misspelled.',
      sha256: v2.sha256,
    });
    // Hidden documents cannot be asked about.
    await changeDocument(org.ctx, jobId, doc.id, { visibleToCustomer: false });
    expect((await refusal(requestDocumentSignoff(org.ctx, jobId, doc.id))).reason).toBe('document_hidden');
  });

  it('accepts a whole quote at once: every estimate line approved, the canonical JSON kept and re-hashable', async () => {
    const { jobId } = await newJob();
    const line = (description: string, unitPriceCents: number) => ({
      kind: 'part' as const,
      description,
      quantityMilli: 1000,
      unitPriceCents,
      vatRateBp: 2100,
      state: 'estimate' as const,
    });
    await addCostLine(org.ctx, jobId, line('Remblokken', 4500));
    await addCostLine(org.ctx, jobId, line('Arbeid', 9000));
    const asked = await requestQuoteSignoff(org.ctx, jobId);
    const subject = await signoffSubject(rt.database.db, jobId, asked.id);
    if (!subject || subject.kind === 'document') throw new Error('no quote');
    const signed = await decideSignoff(
      customer,
      jobId,
      asked.id,
      {
        decision: 'sign',
        name: 'Piet Jansen',
        consent: true,
        reason: '',
        sha256: subject.sha256,
        locale: 'nl',
      },
      evidence,
    );
    expect(signed.content).toBe(subject.content);
    expect(sha(signed.content ?? '')).toBe(signed.sha256);
    expect(
      JSON.parse(signed.content ?? '{}')
        .lines.map((l: { description: string }) => l.description)
        .sort(),
    ).toEqual(['Arbeid', 'Remblokken']);
    const states = (await rt.database.db.select().from(costLines).where(eq(costLines.jobId, jobId))).map(
      (l) => l.state,
    );
    expect(states).toEqual(['approved', 'approved']);
    expect((await refusal(requestQuoteSignoff(org.ctx, jobId))).reason).toBe('no_estimate');
    // Lines changed or removed after signing: the record still shows, and hashes to, what was signed.
    const [first] = await rt.database.db.select().from(costLines).where(eq(costLines.jobId, jobId));
    if (!first) throw new Error('no line');
    await changeCostLine(org.ctx, jobId, first.id, { unitPriceCents: 99900, description: 'Iets anders' });
    const record = await signoffSubject(rt.database.db, jobId, asked.id);
    if (!record || record.kind === 'document') throw new Error('no record');
    expect(record.lines.map((l) => [l.description, l.unitPriceCents]).sort()).toEqual([
      ['Arbeid', 9000],
      ['Remblokken', 4500],
    ]);
    expect(sha(record.content)).toBe(signed.sha256);
    expect(record.sha256).toBe(signed.sha256);
  });

  it('refuses a quote that changed after the customer read it', async () => {
    const { jobId } = await newJob();
    const first = {
      kind: 'fee' as const,
      description: 'Keuring',
      quantityMilli: 1000,
      unitPriceCents: 5000,
      vatRateBp: 2100,
      state: 'estimate' as const,
    };
    await addCostLine(org.ctx, jobId, first);
    const asked = await requestQuoteSignoff(org.ctx, jobId);
    const read = await signoffSubject(rt.database.db, jobId, asked.id);
    await addCostLine(org.ctx, jobId, { ...first, description: 'Extra' });
    const error = await refusal(
      decideSignoff(
        customer,
        jobId,
        asked.id,
        {
          decision: 'sign',
          name: 'Piet Jansen',
          consent: true,
          reason: '',
          sha256: read?.sha256 ?? '',
          locale: 'nl',
        },
        evidence,
      ),
    );
    expect(error.reason).toBe('signoff_changed');
  });

  it('leaves a record of a decision on one extra line: time, address, browser and the hash of the line', async () => {
    const { jobId, stepId } = await newJob();
    const line = await addCostLine(org.ctx, jobId, {
      kind: 'part',
      description: 'Remschijven',
      quantityMilli: 2000,
      unitPriceCents: 6450,
      vatRateBp: 2100,
      state: 'awaiting_approval',
      explanation: 'Te dun.',
      stepId,
    });
    await decideCostLine(customer, jobId, line.id, 'approve', evidence);
    const [record] = await rt.database.db.select().from(signoffs).where(eq(signoffs.costLineId, line.id));
    expect(record).toMatchObject({
      subject: 'cost_line',
      status: 'signed',
      ip: evidence.ip,
      userAgent: evidence.userAgent,
      signerName: null,
    });
    expect(sha(record?.content ?? '')).toBe(record?.sha256);
    expect(JSON.parse(record?.content ?? '{}').line).toMatchObject({
      id: line.id,
      unitPriceCents: 6450,
      quantityMilli: 2000,
    });
    const [event] = await rt.database.db
      .select()
      .from(events)
      .where(and(eq(events.jobId, jobId), eq(events.type, 'cost_line.approved')));
    expect(event?.payload).toMatchObject({ signoff: { id: record?.id, sha256: record?.sha256 } });
  });

  it('lists sign-offs through the API, and no other organisation sees them', async () => {
    const { jobId, stepId } = await newJob();
    await addDocument(
      org.ctx,
      jobId,
      stepId,
      { title: 'Akte', visibleToCustomer: true, requestSignoff: true },
      { bytes: draft, name: 'a.pdf' },
    );
    const own = await api.request(`/api/v1/jobs/${jobId}/signoffs`, {
      headers: { authorization: `Bearer ${org.key}` },
    });
    expect(((await own.json()) as { signoffs: { status: string }[] }).signoffs.map((s) => s.status)).toEqual([
      'requested',
    ]);
    const theirs = await api.request(`/api/v1/jobs/${jobId}/signoffs`, {
      headers: { authorization: `Bearer ${other.key}` },
    });
    expect(theirs.status).toBe(404);
  });
});

describe('reads that only show a document or an invoice', () => {
  it('never select the file bytes, and name the open dialect’s columns', async () => {
    const { versionMeta } = await import('../../src/services/documents/versions');
    const { invoiceMeta } = await import('../../src/services/invoices/issue');
    const { invoices } = await import('../../db/schema');
    const versions = Object.values(versionMeta());
    expect(versions.map((c) => c.name)).not.toContain('bytes');
    // Columns taken before the database opened would name the libSQL table on PostgreSQL.
    for (const column of versions) expect(column.table).toBe(documentVersions);
    const invoiceColumns = Object.values(invoiceMeta());
    expect(invoiceColumns.map((c) => c.name)).not.toContain('pdf');
    for (const column of invoiceColumns) expect(column.table).toBe(invoices);
  });
});
