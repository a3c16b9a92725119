import { statusOf } from '../../errors/status';
import { localText } from '../../i18n/content';
import { documentMessages } from '../../i18n/documents';
import { formatters } from '../../i18n/format';
import { fill, type Locale, messages } from '../../i18n/messages';
import { contextFor, type Runtime } from '../../runtime';
import {
  decideSignoff,
  type Evidence,
  type SignoffSubject,
  signoffSubject,
} from '../../services/documents/signoffs';
import { stripBidiForm } from '../../services/platform/bidi';
import { ServiceError } from '../../services/platform/errors';
import { LIMITS } from '../../services/platform/limits';
import { vatPerRate } from '../../services/platform/money';
import { chooseLocale, findTrackedJob } from '../../services/tracker/tracker';

/**
 * The customer's sign-off page (src/pages/t/[token]/signoff/[id].astro): a plain form that works without
 * JavaScript. The tracker token is the only credential; a sign-off of another job is not found.
 */
export type SignoffPage =
  | { redirect: string }
  | {
      status: number;
      locale: Locale;
      organisation: { name: string; brandColor: string; logoUrl: string | null };
      title: { text: string; lang?: Locale };
      subject: SignoffSubject;
      /** Where the customer opens the document (under the token), for a document. */
      fileUrl: string | null;
      fileKind: string | null;
      lines: { description: string; quantity: string; unitPrice: string; vat: string; net: string }[];
      subtotal: string | null;
      vatByRate: { label: string; amount: string }[];
      total: string | null;
      consent: string;
      open: boolean;
      decidedAt: string | null;
      error: { field: string; message: string } | null;
      values: { name: string; reason: string };
      done: 'sign' | 'decline' | null;
    };

export async function signoffPage(
  rt: Runtime,
  token: string,
  signoffId: string,
  request: Request,
  url: URL,
  client: Evidence,
): Promise<SignoffPage | null> {
  const db = rt.database.db;
  const found = await findTrackedJob(db, token);
  if (!found) return null;
  const { job, organisation } = found;
  const id = signoffId.slice(0, LIMITS.id);
  let subject = await signoffSubject(db, job.id, id);
  if (!subject || subject.kind === 'cost_line') return null;
  const locale = chooseLocale(job.locale, request.headers.get('accept-language'), organisation.defaultLocale);
  const t = documentMessages[locale];
  let error: { field: string; message: string } | null = null;
  let status = 200;
  const values = { name: '', reason: '' };
  if (request.method === 'POST') {
    const form = stripBidiForm(await request.formData().catch(() => new FormData()));
    const field = (name: string, max: number) => {
      const v = form.get(name);
      return typeof v === 'string' ? v.slice(0, max) : '';
    };
    const decision = field('_action', 16) === 'decline' ? 'decline' : 'sign';
    values.name = field('name', LIMITS.personName);
    values.reason = field('reason', LIMITS.reason);
    try {
      if (job.status !== 'open') throw new ServiceError('conflict', 'job_closed', { status: job.status });
      const ctx = contextFor(rt, organisation.id, { type: 'customer', id: null });
      await decideSignoff(
        ctx,
        job.id,
        id,
        {
          decision,
          name: values.name,
          consent: form.get('consent') === '1',
          reason: values.reason,
          sha256: field('sha256', 64),
          locale,
        },
        client,
      );
      return { redirect: `/t/${token}/signoff/${id}?done=${decision}` };
    } catch (failure) {
      if (!(failure instanceof ServiceError)) throw failure;
      status = statusOf(failure);
      error = { field: failure.field, message: failure.messageIn(locale) };
      subject = (await signoffSubject(db, job.id, id)) ?? subject;
    }
  }
  const f = formatters({ locale, timeZone: organisation.timeZone, currency: organisation.currency });
  const title =
    subject.kind === 'document'
      ? localText(
          subject.document.title,
          organisation.defaultLocale,
          subject.document.translations,
          'title',
          locale,
        )
      : { text: t.quoteTitle };
  const lines =
    subject.kind === 'document'
      ? []
      : subject.lines.map((l) => ({
          description: l.description,
          quantity: f.quantity(l.quantityMilli),
          unitPrice: f.money(l.unitPriceCents),
          vat: f.rate(l.vatRateBp),
          net: f.money(l.netCents),
        }));
  // VAT per rate on each rate's sum, as the tracker's cost table and the invoice count it.
  const byRate = subject.kind === 'document' ? [] : vatPerRate(subject.lines);
  const netSum = byRate.reduce((sum, r) => sum + r.netCents, 0);
  const vatSum = byRate.reduce((sum, r) => sum + r.vatCents, 0);
  const done = url.searchParams.get('done');
  return {
    status,
    locale,
    organisation: {
      name: organisation.name,
      brandColor: organisation.brandColor,
      logoUrl: organisation.logoUrl,
    },
    title,
    subject,
    fileUrl: subject.kind === 'document' ? `/t/${token}/documents/${subject.file.id}` : null,
    fileKind:
      subject.kind === 'document'
        ? `${subject.file.contentType === 'application/pdf' ? t.pdf : t.image}, ${fill(t.size, { kb: Math.max(1, Math.round(subject.file.size / 1024)) })}`
        : null,
    lines,
    subtotal: subject.kind === 'document' ? null : f.money(netSum),
    vatByRate: byRate.map((r) => ({
      label: fill(messages[locale].tracker.vatAt, { rate: f.rate(r.vatRateBp) }),
      amount: f.money(r.vatCents),
    })),
    total: subject.kind === 'document' ? null : f.money(netSum + vatSum),
    consent: fill(t.consent, { title: title.text, organisation: organisation.name }),
    open: subject.signoff.status === 'requested' && job.status === 'open',
    decidedAt: subject.signoff.decidedAt ? f.when(subject.signoff.decidedAt, 0) : null,
    error,
    values,
    done: done === 'sign' || done === 'decline' ? done : null,
  };
}
