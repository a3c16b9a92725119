import { createHash } from 'node:crypto';
import { and, asc, eq, inArray, sql } from 'drizzle-orm';
import { columnsWithout } from '../../../db/columns';
import {
  costLines,
  type Invoice,
  type InvoiceLine,
  type InvoiceSnapshot,
  type InvoiceTotals,
  invoiceCounters,
  invoices,
  jobs,
  organisations,
} from '../../../db/schema';
import { log } from '../../log';
import { loadJob } from '../jobs/load';
import { paymentLinkFor } from '../organisation/invoice-details';
import { type Ctx, type Db, inTransaction } from '../platform/context';
import { conflict, notFound } from '../platform/errors';
import { appendEvent } from '../platform/events';
import { newId } from '../platform/ids';
import { type CostState, lineNetCents, vatPerRate } from '../platform/money';
import { authorize } from '../staff/permissions';
import { logoPng } from './logo';
import { renderInvoicePdf } from './pdf';

/**
 * Invoices and credit notes (docs/decisions/invoice.md): issued from a done job's cost lines, numbered from
 * one gapless sequence per organisation and year, frozen at issue (snapshot, totals, PDF bytes and their
 * SHA-256) and never changed: a correction is a credit note.
 */

/** The lines that count on the tracker's total count on the invoice: not declined, not still waiting. */
const INVOICED: CostState[] = ['estimate', 'approved', 'actual'];

const DAY_MS = 86_400_000;

export const invoiceNumber = (year: number, sequence: number) =>
  `${year}-${String(sequence).padStart(4, '0')}`;

const yearIn = (ms: number, timeZone: string) =>
  Number(new Intl.DateTimeFormat('en', { timeZone, year: 'numeric' }).format(ms));

/** Lines, net per line, VAT per rate on the sum of that rate's lines, totals: integer cents. */
export function invoiceTotals(lines: InvoiceLine[]): InvoiceTotals {
  const vatByRate = vatPerRate(lines);
  const netCents = lines.reduce((sum, l) => sum + l.netCents, 0);
  const vatCents = vatByRate.reduce((sum, r) => sum + r.vatCents, 0);
  return { netCents, vatByRate, vatCents, grossCents: netCents + vatCents };
}

/** The next number of the organisation's sequence for `year`, as it stands (nothing taken). */
async function peekNumber(tx: Db, organisationId: string, year: number): Promise<number> {
  const [row] = await tx
    .select({ last: invoiceCounters.last })
    .from(invoiceCounters)
    .where(and(eq(invoiceCounters.organisationId, organisationId), eq(invoiceCounters.year, year)));
  return (row?.last ?? 0) + 1;
}

/**
 * Takes the next number: one upsert on the counter row, in the transaction that inserts the invoice, so the
 * number is used exactly when the invoice commits. It must be the one peeked (and printed); if another
 * writer took it in between, this transaction fails and nothing is used.
 */
async function takeNumber(tx: Db, organisationId: string, year: number, expected: number) {
  const [row] = await tx
    .insert(invoiceCounters)
    .values({ organisationId, year, last: 1 })
    .onConflictDoUpdate({
      target: [invoiceCounters.organisationId, invoiceCounters.year],
      set: { last: sql`${invoiceCounters.last} + 1` },
    })
    .returning({ last: invoiceCounters.last });
  if (row?.last !== expected) throw new Error(`invoice number ${expected} was taken meanwhile`);
}

type Rows = {
  job: typeof jobs.$inferSelect;
  organisation: typeof organisations.$inferSelect;
};

async function loadRows(tx: Db, ctx: Ctx, jobId: string): Promise<Rows> {
  const job = await loadJob(tx, ctx, jobId);
  const [organisation] = await tx
    .select()
    .from(organisations)
    .where(eq(organisations.id, ctx.organisationId));
  if (!organisation) throw notFound('organisation');
  return { job, organisation };
}

/** Why a job cannot have a (new) invoice now, or null. */
async function refusal(tx: Db, { job, organisation }: Rows) {
  if (job.status !== 'done') {
    return conflict('job_not_invoiceable', { status: job.status }, { status: job.status });
  }
  if (!organisation.invoiceDetails) return conflict('invoice_details_missing');
  const standing = await standingInvoice(tx, job.id);
  if (standing) {
    return conflict('already_invoiced', { number: standing.number }, { invoiceId: standing.id });
  }
  return null;
}

/** The job's invoice that no credit note has corrected, if any. */
async function standingInvoice(tx: Db, jobId: string) {
  const rows = await tx
    .select({ id: invoices.id, number: invoices.number, kind: invoices.kind, creditsId: invoices.creditsId })
    .from(invoices)
    .where(eq(invoices.jobId, jobId));
  const credited = new Set(rows.map((r) => r.creditsId));
  return rows.find((r) => r.kind === 'invoice' && !credited.has(r.id)) ?? null;
}

async function invoiceLines(tx: Db, jobId: string): Promise<InvoiceLine[]> {
  const rows = await tx
    .select()
    .from(costLines)
    .where(and(eq(costLines.jobId, jobId), inArray(costLines.state, INVOICED)))
    .orderBy(asc(costLines.createdAt), asc(costLines.id));
  return rows.map((l) => ({
    costLineId: l.id,
    kind: l.kind,
    description: l.description,
    quantityMilli: l.quantityMilli,
    unitPriceCents: l.unitPriceCents,
    vatRateBp: l.vatRateBp,
    netCents: lineNetCents(l),
  }));
}

/** Everything needed to write one invoice or credit note: its frozen content and PDF. */
type Draft = { snapshot: InvoiceSnapshot; pdf: Buffer; year: number; sequence: number };

async function draftInvoice(tx: Db, rows: Rows, now: number, lines: InvoiceLine[]): Promise<Draft> {
  const { job, organisation } = rows;
  const details = organisation.invoiceDetails;
  if (!details) throw conflict('invoice_details_missing');
  const year = yearIn(now, organisation.timeZone);
  const sequence = await peekNumber(tx, organisation.id, year);
  const number = invoiceNumber(year, sequence);
  const totals = invoiceTotals(lines);
  const snapshot: InvoiceSnapshot = {
    kind: 'invoice',
    number,
    credits: null,
    reason: null,
    locale: job.locale ?? organisation.defaultLocale,
    timeZone: organisation.timeZone,
    currency: organisation.currency,
    issuedAt: now,
    dueAt: now + details.paymentTermDays * DAY_MS,
    seller: {
      name: organisation.name,
      legalName: details.legalName,
      address: details.address,
      registrationNumber: details.registrationNumber,
      vatNumber: details.vatNumber,
      iban: details.iban,
    },
    customer: { name: job.customerName, email: job.customerEmail, address: job.address },
    job: { reference: job.reference, title: job.title },
    lines,
    totals,
    paymentUrl:
      details.paymentLink && totals.grossCents > 0
        ? paymentLinkFor(details.paymentLink, {
            amount: (totals.grossCents / 100).toFixed(2),
            currency: organisation.currency,
            reference: number,
          })
        : null,
  };
  const pdf = await renderInvoicePdf(snapshot, await logoPng(tx, organisation.logoUrl));
  return { snapshot, pdf, year, sequence };
}

/** Writes a drafted invoice or credit note: takes its number, inserts it, logs the event. */
async function write(tx: Db, ctx: Ctx, jobId: string, draft: Draft, creditsId: string | null) {
  await takeNumber(tx, ctx.organisationId, draft.year, draft.sequence);
  const { snapshot, pdf } = draft;
  const [row] = await tx
    .insert(invoices)
    .values({
      id: newId('inv'),
      organisationId: ctx.organisationId,
      jobId,
      kind: snapshot.kind,
      number: snapshot.number,
      year: draft.year,
      sequence: draft.sequence,
      creditsId,
      issuedAt: snapshot.issuedAt,
      dueAt: snapshot.dueAt,
      currency: snapshot.currency,
      netCents: snapshot.totals.netCents,
      vatCents: snapshot.totals.vatCents,
      grossCents: snapshot.totals.grossCents,
      snapshot,
      pdf,
      pdfSha256: createHash('sha256').update(pdf).digest('hex'),
      actorType: ctx.actor.type,
      actorId: ctx.actor.id,
    })
    .returning(invoiceMeta());
  if (!row) throw new Error('invoice insert returned no row');
  await tx.update(jobs).set({ updatedAt: ctx.clock.now() }).where(eq(jobs.id, jobId));
  await appendEvent(tx, ctx, {
    jobId,
    type: snapshot.kind === 'invoice' ? 'invoice.issued' : 'invoice.credited',
    payload: { invoice: invoiceView(row) },
  });
  return invoiceView(row);
}

/**
 * Called in the transaction that marks a job done: issues its invoice when the organisation has set its
 * invoice details and the job has lines to invoice. An invoice that cannot be drafted or rendered (it never
 * should) does not keep the job from being done: staff issue it from the job page, where the reason is
 * shown. Writing it is part of the job's transaction: if that write failed (only a broken invariant, such
 * as the unique number guard, could make it), the job would not be marked done either — never a job done
 * with half an invoice. The PDF is rendered inside the transaction (about 60 ms warm on this machine, more
 * on the first): one organisation's writes wait that long when a job is finished.
 */
export async function issueOnCompletion(tx: Db, ctx: Ctx, jobId: string): Promise<void> {
  const rows = await loadRows(tx, ctx, jobId);
  if ((await refusal(tx, rows)) !== null) return;
  const lines = await invoiceLines(tx, jobId);
  if (lines.length === 0) return;
  let draft: Draft;
  try {
    draft = await draftInvoice(tx, rows, ctx.clock.now(), lines);
  } catch (error) {
    log.error({ err: error, jobId }, 'invoice not issued when the job was done');
    return;
  }
  await write(tx, ctx, jobId, draft, null);
}

/** Staff or an integration issue the invoice of a done job (the first, or the next after a credit note). */
export async function issueInvoice(ctx: Ctx, jobId: string): Promise<InvoiceView> {
  return inTransaction(ctx, async (tx) => {
    const rows = await loadRows(tx, ctx, jobId);
    await authorize(tx, ctx, 'invoice:issue');
    const refused = await refusal(tx, rows);
    if (refused) throw refused;
    const lines = await invoiceLines(tx, jobId);
    if (lines.length === 0) throw conflict('nothing_to_invoice');
    return write(tx, ctx, jobId, await draftInvoice(tx, rows, ctx.clock.now(), lines), null);
  });
}

/**
 * A credit note for the whole of an invoice: every line and total negated exactly (not recomputed, so
 * the two add up to zero to the cent), with the reason, numbered from the same sequence.
 */
export async function creditInvoice(
  ctx: Ctx,
  jobId: string,
  invoiceId: string,
  input: { reason: string },
): Promise<InvoiceView> {
  return inTransaction(ctx, async (tx) => {
    const rows = await loadRows(tx, ctx, jobId);
    await authorize(tx, ctx, 'invoice:credit');
    const original = await loadInvoice(tx, jobId, invoiceId);
    if (original.kind !== 'invoice') throw conflict('not_creditable');
    const [already] = await tx
      .select({ id: invoices.id })
      .from(invoices)
      .where(eq(invoices.creditsId, original.id));
    if (already)
      throw conflict('already_credited', { number: original.number }, { creditNoteId: already.id });
    const now = ctx.clock.now();
    const year = yearIn(now, rows.organisation.timeZone);
    const sequence = await peekNumber(tx, ctx.organisationId, year);
    const was = original.snapshot;
    const negate = (cents: number) => (cents === 0 ? 0 : -cents);
    const snapshot: InvoiceSnapshot = {
      ...was,
      kind: 'credit_note',
      number: invoiceNumber(year, sequence),
      credits: { number: was.number, issuedAt: was.issuedAt },
      reason: input.reason,
      issuedAt: now,
      dueAt: null,
      paymentUrl: null,
      lines: was.lines.map((l) => ({
        ...l,
        quantityMilli: negate(l.quantityMilli),
        netCents: negate(l.netCents),
      })),
      totals: {
        netCents: negate(was.totals.netCents),
        vatCents: negate(was.totals.vatCents),
        grossCents: negate(was.totals.grossCents),
        vatByRate: was.totals.vatByRate.map((r) => ({
          vatRateBp: r.vatRateBp,
          netCents: negate(r.netCents),
          vatCents: negate(r.vatCents),
        })),
      },
    };
    const pdf = await renderInvoicePdf(snapshot, await logoPng(tx, rows.organisation.logoUrl));
    return write(tx, ctx, jobId, { snapshot, pdf, year, sequence }, original.id);
  });
}

/** The API's and console's answer to any change of an issued invoice: never (a credit note corrects it). */
export async function refuseInvoiceEdit(ctx: Ctx, jobId: string, invoiceId: string): Promise<never> {
  await loadJob(ctx.db, ctx, jobId);
  await loadInvoice(ctx.db, jobId, invoiceId);
  throw conflict('invoice_immutable');
}

/** An invoice as read to show or correct it: every column but its PDF. */
export type InvoiceMeta = Omit<Invoice, 'pdf'>;

/** The columns of an invoice without its PDF, built per query (see `columnsWithout`). */
export const invoiceMeta = () => columnsWithout(invoices, 'pdf');

export async function loadInvoice(db: Db, jobId: string, invoiceId: string): Promise<InvoiceMeta> {
  const [row] = await db
    .select(invoiceMeta())
    .from(invoices)
    .where(and(eq(invoices.id, invoiceId), eq(invoices.jobId, jobId)));
  if (!row) throw notFound('invoice');
  return row;
}

/** An invoice as the API, events and pages show it (without its PDF bytes). */
export function invoiceView(row: InvoiceMeta) {
  return {
    id: row.id,
    kind: row.kind,
    number: row.number,
    issuedAt: row.issuedAt,
    dueAt: row.dueAt,
    currency: row.currency,
    netCents: row.netCents,
    vatCents: row.vatCents,
    grossCents: row.grossCents,
    creditsId: row.creditsId,
    reason: row.snapshot.reason,
    paymentUrl: row.snapshot.paymentUrl,
    pdfSha256: row.pdfSha256,
  };
}
export type InvoiceView = ReturnType<typeof invoiceView>;
