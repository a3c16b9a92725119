import { createHash } from 'node:crypto';
import { and, asc, desc, eq, inArray } from 'drizzle-orm';
import {
  type CostLine,
  costLines,
  type DocumentRow,
  documents,
  documentVersions,
  jobs,
  organisations,
  type Signoff,
  signoffs,
} from '../../../db/schema';
import type { PublicSignoff } from '../../events/catalogue';
import { localText } from '../../i18n/content';
import { documentMessages } from '../../i18n/documents';
import { fill, type Locale } from '../../i18n/messages';
import { loadJob, loadOpenJob } from '../jobs/load';
import { type Ctx, type Db, inTransaction } from '../platform/context';
import { conflict, invalid, notFound } from '../platform/errors';
import { appendEvent } from '../platform/events';
import { newId } from '../platform/ids';
import { LIMITS } from '../platform/limits';
import { lineNetCents, totals } from '../platform/money';
import { authorize } from '../staff/permissions';
import { currentVersion, type VersionMeta, versionMeta } from './versions';

export type { PublicSignoff } from '../../events/catalogue';

/** Where a decision came from: recorded with it (src/api/client-ip.ts for the address). */
export type Evidence = { ip: string | null; userAgent: string | null };

export const publicSignoff = (row: Signoff): PublicSignoff => ({
  id: row.id,
  subject: row.subject,
  documentId: row.documentId,
  versionId: row.versionId,
  version: row.version,
  costLineId: row.costLineId,
  status: row.status,
  requestedAt: row.requestedAt,
  decidedAt: row.decidedAt,
  signerName: row.signerName,
  reason: row.reason,
  ip: row.ip,
  userAgent: row.userAgent,
  sha256: row.sha256,
  content: row.content,
  consentText: row.consentText,
  locale: row.locale,
});

export const sha256Hex = (value: string | Uint8Array) => createHash('sha256').update(value).digest('hex');

/**
 * Exactly what accepting a quote approves, as canonical JSON: the estimate lines in id order, each
 * with the fields that make its price, and the totals. Stored with the record so it can be hashed again.
 */
export function quoteContent(lines: CostLine[], currency: string): string {
  const sorted = [...lines].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const sum = totals(sorted);
  return JSON.stringify({
    subject: 'quote',
    currency,
    lines: sorted.map(lineFields),
    netCents: sum.netCents,
    vatCents: sum.vatCents,
    grossCents: sum.grossCents,
  });
}

/** What approving one extra line approves, the same way. */
export const lineContent = (line: CostLine, currency: string) =>
  JSON.stringify({
    subject: 'cost_line',
    currency,
    line: { ...lineFields(line), explanation: line.explanation },
  });

/** A cost line as a sign-off shows and keeps it (and hashes it, in the record's content). */
export type SignedLine = ReturnType<typeof lineFields>;

const lineFields = (l: CostLine) => ({
  id: l.id,
  kind: l.kind,
  description: l.description,
  quantityMilli: l.quantityMilli,
  unitPriceCents: l.unitPriceCents,
  vatRateBp: l.vatRateBp,
  netCents: lineNetCents(l),
});

/** Asks the customer's sign-off of one version of a document (inside the caller's transaction). */
export async function openDocumentSignoff(tx: Db, ctx: Ctx, doc: DocumentRow, version: VersionMeta) {
  const [open] = await tx
    .select()
    .from(signoffs)
    .where(and(eq(signoffs.versionId, version.id), eq(signoffs.status, 'requested')));
  if (open) return publicSignoff(open);
  const [row] = await tx
    .insert(signoffs)
    .values({
      id: newId('sign'),
      organisationId: ctx.organisationId,
      jobId: doc.jobId,
      subject: 'document',
      documentId: doc.id,
      versionId: version.id,
      version: version.version,
      status: 'requested',
      requestedAt: ctx.clock.now(),
      sha256: version.sha256,
    })
    .returning();
  if (!row) throw new Error('sign-off insert returned no row');
  const signoff = publicSignoff(row);
  await appendEvent(tx, ctx, {
    jobId: doc.jobId,
    stepId: doc.stepId,
    type: 'signoff.requested',
    payload: { signoff },
  });
  return signoff;
}

/** Ends a document's open sign-off without a decision (a new version, or the document hidden). */
export async function withdrawOpenSignoffs(tx: Db, ctx: Ctx, documentId: string) {
  const rows = await tx
    .update(signoffs)
    .set({ status: 'withdrawn', decidedAt: ctx.clock.now() })
    .where(and(eq(signoffs.documentId, documentId), eq(signoffs.status, 'requested')))
    .returning();
  for (const row of rows)
    await appendEvent(tx, ctx, {
      jobId: row.jobId,
      type: 'signoff.withdrawn',
      payload: { signoff: publicSignoff(row) },
    });
}

/** Staff ask the customer to sign a document off (its newest version; each new version asks again). */
export async function requestDocumentSignoff(
  ctx: Ctx,
  jobId: string,
  documentId: string,
): Promise<PublicSignoff> {
  return inTransaction(ctx, async (tx) => {
    await loadOpenJob(tx, ctx, jobId);
    const [doc] = await tx
      .select()
      .from(documents)
      .where(
        and(
          eq(documents.id, documentId),
          eq(documents.jobId, jobId),
          eq(documents.organisationId, ctx.organisationId),
        ),
      );
    if (!doc) throw notFound('document');
    await authorize(tx, ctx, 'signoff:request');
    if (!doc.visibleToCustomer) throw conflict('document_hidden');
    if (!doc.signoffRequested)
      await tx.update(documents).set({ signoffRequested: true }).where(eq(documents.id, doc.id));
    const version = await currentVersion(tx, doc);
    await touchJob(tx, ctx, jobId);
    return openDocumentSignoff(tx, ctx, { ...doc, signoffRequested: true }, version);
  });
}

/** Staff ask the customer to accept the quote: all estimate lines at once, before the work starts. */
export async function requestQuoteSignoff(ctx: Ctx, jobId: string): Promise<PublicSignoff> {
  return inTransaction(ctx, async (tx) => {
    await loadOpenJob(tx, ctx, jobId);
    await authorize(tx, ctx, 'signoff:request');
    if ((await estimateLines(tx, jobId)).length === 0) throw conflict('no_estimate');
    const [open] = await tx
      .select()
      .from(signoffs)
      .where(and(eq(signoffs.jobId, jobId), eq(signoffs.subject, 'quote'), eq(signoffs.status, 'requested')));
    if (open) return publicSignoff(open);
    const [row] = await tx
      .insert(signoffs)
      .values({
        id: newId('sign'),
        organisationId: ctx.organisationId,
        jobId,
        subject: 'quote',
        status: 'requested',
        requestedAt: ctx.clock.now(),
      })
      .returning();
    if (!row) throw new Error('sign-off insert returned no row');
    const signoff = publicSignoff(row);
    await touchJob(tx, ctx, jobId);
    await appendEvent(tx, ctx, { jobId, type: 'signoff.requested', payload: { signoff } });
    return signoff;
  });
}

/** Every sign-off of a job, newest first (staff: API and console). */
export async function listSignoffs(ctx: Ctx, jobId: string): Promise<PublicSignoff[]> {
  await loadJob(ctx.db, ctx, jobId);
  return jobSignoffs(ctx.db, jobId);
}

/** A job's sign-offs, asked and decided (the tracker shows them too: the record is for both sides). */
export async function jobSignoffs(db: Db, jobId: string): Promise<PublicSignoff[]> {
  const rows = await db
    .select()
    .from(signoffs)
    .where(eq(signoffs.jobId, jobId))
    .orderBy(desc(signoffs.requestedAt), desc(signoffs.id));
  return rows.map(publicSignoff);
}

/** What the customer's sign-off page shows: the request, and exactly what it is about, with its hash. */
export type SignoffSubject =
  | {
      signoff: PublicSignoff;
      kind: 'document';
      document: { id: string; stepId: string; title: string; translations: DocumentRow['translations'] };
      file: Pick<VersionMeta, 'id' | 'version' | 'contentType' | 'filename' | 'size' | 'sha256'>;
      sha256: string;
    }
  | {
      signoff: PublicSignoff;
      kind: 'quote' | 'cost_line';
      lines: SignedLine[];
      content: string;
      sha256: string;
    };

/** The sign-off `signoffId` of a job, as its customer reads it (null: none such on this job). */
export async function signoffSubject(
  db: Db,
  jobId: string,
  signoffId: string,
): Promise<SignoffSubject | null> {
  const [row] = await db
    .select()
    .from(signoffs)
    .where(and(eq(signoffs.id, signoffId), eq(signoffs.jobId, jobId)));
  if (!row) return null;
  const signoff = publicSignoff(row);
  if (row.subject === 'document') {
    const [found] = await db
      .select({ doc: documents, file: versionMeta() })
      .from(documentVersions)
      .innerJoin(documents, eq(documents.id, documentVersions.documentId))
      .where(eq(documentVersions.id, row.versionId ?? ''));
    if (!found?.doc.visibleToCustomer) return null;
    const { doc, file } = found;
    return {
      signoff,
      kind: 'document',
      document: { id: doc.id, stepId: doc.stepId, title: doc.title, translations: doc.translations },
      file: {
        id: file.id,
        version: file.version,
        contentType: file.contentType,
        filename: file.filename,
        size: file.size,
        sha256: file.sha256,
      },
      sha256: file.sha256,
    };
  }
  // A decided record shows what was decided, as its content keeps it (the lines may have changed or gone
  // since); an open one what would be approved now.
  if (row.content !== null && row.sha256 !== null) {
    return {
      signoff,
      kind: row.subject,
      lines: keptLines(row.content),
      content: row.content,
      sha256: row.sha256,
    };
  }
  const lines = await estimateLines(db, jobId);
  const content = quoteContent(lines, await currencyOf(db, row.organisationId));
  return { signoff, kind: row.subject, lines: lines.map(lineFields), content, sha256: sha256Hex(content) };
}

/** The lines a decided record's content holds, exactly as they were approved or declined. */
function keptLines(content: string): SignedLine[] {
  const kept = JSON.parse(content) as { lines?: SignedLine[]; line?: SignedLine & { explanation?: unknown } };
  if (kept.lines) return kept.lines;
  if (!kept.line) return [];
  const { explanation: _, ...line } = kept.line;
  return [line];
}

export type SignoffDecision = {
  decision: 'sign' | 'decline';
  /** The full name the customer typed (required to sign). */
  name: string;
  /** The consent box was ticked (required to sign). */
  consent: boolean;
  /** Why not (required to decline). */
  reason: string;
  /** The SHA-256 of what the page showed: refused when it is no longer what would be approved. */
  sha256: string;
  locale: Locale;
};

/**
 * The customer signs or declines. The record keeps the typed name, the time, the address and browser,
 * the consent text as shown, and the SHA-256 of exactly what was decided: a document version's stored
 * bytes, or the canonical JSON of the quote's lines (kept). If what would be approved changed since the
 * page was read (a new version, a changed line), nothing is recorded: the customer reads it again.
 */
export async function decideSignoff(
  ctx: Ctx,
  jobId: string,
  signoffId: string,
  input: SignoffDecision,
  evidence: Evidence,
): Promise<PublicSignoff> {
  const name = input.name.trim().slice(0, LIMITS.personName);
  const reason = input.reason.trim();
  if (input.decision === 'sign') {
    if (name.length < 2) throw invalid('name', 'signer_name_needed');
    if (!input.consent) throw invalid('consent', 'confirm_required');
  } else if (!reason) throw invalid('reason', 'decline_reason_needed');
  return inTransaction(ctx, async (tx) => {
    await loadOpenJob(tx, ctx, jobId);
    const subject = await signoffSubject(tx, jobId, signoffId);
    if (!subject) throw notFound('sign-off');
    if (subject.signoff.status !== 'requested') throw conflict('signoff_not_open');
    if (subject.sha256 !== input.sha256) throw conflict('signoff_changed');
    if (subject.kind !== 'document' && subject.lines.length === 0) throw conflict('no_estimate');
    const [org] = await tx
      .select({ name: organisations.name, defaultLocale: organisations.defaultLocale })
      .from(organisations)
      .where(eq(organisations.id, ctx.organisationId));
    // The title as the customer's page showed it, in their language.
    const title =
      subject.kind === 'document'
        ? localText(
            subject.document.title,
            org?.defaultLocale ?? input.locale,
            subject.document.translations,
            'title',
            input.locale,
          ).text
        : documentMessages[input.locale].quoteTitle;
    const now = ctx.clock.now();
    const signed = input.decision === 'sign';
    const [row] = await tx
      .update(signoffs)
      .set({
        status: signed ? 'signed' : 'declined',
        decidedAt: now,
        signerName: name || null,
        reason: signed ? null : reason.slice(0, LIMITS.reason),
        ip: evidence.ip,
        userAgent: evidence.userAgent?.slice(0, 512) ?? null,
        sha256: subject.sha256,
        content: subject.kind === 'document' ? null : subject.content,
        consentText: signed
          ? fill(documentMessages[input.locale].consent, { title, organisation: org?.name ?? '' })
          : null,
        locale: input.locale,
      })
      .where(and(eq(signoffs.id, signoffId), eq(signoffs.status, 'requested')))
      .returning();
    // Decided twice at once: the first one counts.
    if (!row) throw conflict('signoff_not_open');
    if (signed && subject.kind === 'quote') {
      await tx
        .update(costLines)
        .set({ state: 'approved', decidedAt: now, updatedAt: now })
        .where(
          inArray(
            costLines.id,
            subject.lines.map((l) => l.id),
          ),
        );
    }
    const signoff = publicSignoff(row);
    await touchJob(tx, ctx, jobId);
    await appendEvent(tx, ctx, {
      jobId,
      stepId: subject.kind === 'document' ? subject.document.stepId : null,
      type: signed ? 'signoff.signed' : 'signoff.declined',
      payload: { signoff },
    });
    return signoff;
  });
}

/**
 * The record of a decision on one extra line (the tracker's approve and decline buttons): no typed name,
 * but the time, address, browser and the hash of the line as it was decided, like a sign-off.
 */
export async function recordLineDecision(
  tx: Db,
  ctx: Ctx,
  line: CostLine,
  decision: 'approve' | 'decline',
  evidence: Evidence,
): Promise<PublicSignoff> {
  const content = lineContent(line, await currencyOf(tx, ctx.organisationId));
  const now = ctx.clock.now();
  const [row] = await tx
    .insert(signoffs)
    .values({
      id: newId('sign'),
      organisationId: ctx.organisationId,
      jobId: line.jobId,
      subject: 'cost_line',
      costLineId: line.id,
      status: decision === 'approve' ? 'signed' : 'declined',
      requestedAt: line.updatedAt,
      decidedAt: now,
      ip: evidence.ip,
      userAgent: evidence.userAgent?.slice(0, 512) ?? null,
      sha256: sha256Hex(content),
      content,
    })
    .returning();
  if (!row) throw new Error('sign-off insert returned no row');
  return publicSignoff(row);
}

const estimateLines = (db: Db, jobId: string) =>
  db
    .select()
    .from(costLines)
    .where(and(eq(costLines.jobId, jobId), eq(costLines.state, 'estimate')))
    .orderBy(asc(costLines.id));

async function currencyOf(db: Db, organisationId: string): Promise<string> {
  const [org] = await db
    .select({ currency: organisations.currency })
    .from(organisations)
    .where(eq(organisations.id, organisationId));
  return org?.currency ?? 'EUR';
}

const touchJob = (tx: Db, ctx: Ctx, jobId: string) =>
  tx.update(jobs).set({ updatedAt: ctx.clock.now() }).where(eq(jobs.id, jobId));
