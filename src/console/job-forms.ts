import { z } from 'zod';
import type { ConsoleMessages } from '../i18n/console';
import { fromLocalInput } from '../i18n/format';
import { queueTrackerLinkSms } from '../notify/sms/queue';
import { addCostLine, changeCostLine, removeCostLine } from '../services/costs/cost-lines';
import { askCustomer } from '../services/customer-voice/conversations';
import { completeFollowUp } from '../services/customer-voice/feedback';
import { answerQuestion, askQuestion } from '../services/customer-voice/questions';
import { giveKudos } from '../services/customer-voice/ratings';
import { addDocument, changeDocument, replaceDocument, type Upload } from '../services/documents/documents';
import { requestDocumentSignoff, requestQuoteSignoff } from '../services/documents/signoffs';
import { creditInvoice, issueInvoice } from '../services/invoices/issue';
import { cancelJob, reissueTrackerToken } from '../services/jobs/job-admin';
import type { Ctx } from '../services/platform/context';
import { invalid } from '../services/platform/errors';
import { LIMITS } from '../services/platform/limits';
import { storeImage } from '../services/platform/media';
import { bookSlot, cancelBooking } from '../services/slots/booking';
import { assignStep } from '../services/steps/assign-step';
import { changeStepStatus } from '../services/steps/change-step-status';
import { postNote } from '../services/steps/post-note';
import { type PromiseInput, previewPromise, promiseStep } from '../services/steps/promise-step';
import { type Handler, parseForm, uploadedFiles } from './page';

const id = z.string().min(1).max(LIMITS.id);
const reason = z.string().trim().max(LIMITS.reason).optional();
/** Destructive actions (cancel, remove a cost line, a new tracker link) need a reason and a ticked box. */
const destructive = {
  reason: z.string().trim().min(1).max(LIMITS.reason),
  confirm: z.literal('1', { message: 'confirm_required' }),
};

/** Decimal input as staff type it ("12,50" or "12.50") in whole hundredths or thousandths. */
export const decimal = (scale: number, min: number) =>
  z
    .string()
    .trim()
    .min(1)
    .transform((v, c) => {
      const n = Number(v.replace(/\s/g, '').replace(',', '.'));
      if (!Number.isFinite(n) || n < min || n > 1e9) {
        c.addIssue({ code: 'custom', message: 'number_expected' });
        return z.NEVER;
      }
      return Math.round(n * scale);
    });

const costFields = z.object({
  kind: z.enum(['labour', 'part', 'fee', 'discount']),
  description: z.string().trim().min(1).max(LIMITS.title),
  quantity: decimal(1000, 0.001),
  unitPrice: decimal(100, 0),
  vatRate: z.coerce.number().int().min(0).max(10_000),
  state: z.enum(['estimate', 'actual', 'awaiting_approval']),
  stepId: z.string().max(64).optional(),
  explanation: z.string().trim().max(LIMITS.explanation).optional(),
  stepWaits: z.literal('1').optional(),
});

/** The job page's forms, one handler per `_action`; each calls one service. */
export function jobForms(
  ctx: Ctx,
  jobId: string,
  t: ConsoleMessages,
  timeZone: string,
  /** Set when text messages are configured: where tracker links point. */
  sms?: { publicUrl: string },
  /** The organisation's own language (a document's `title`) and the largest document (DOCUMENT_MAX_MB). */
  documents: { defaultLocale: 'nl' | 'en'; maxBytes?: number } = { defaultLocale: 'nl' },
): Record<string, Handler> {
  /** The file of a document form (none or an empty one is refused by the service). */
  const withBytes = async (form: FormData): Promise<Upload> => {
    const file = form.get('file');
    return file instanceof File
      ? { bytes: new Uint8Array(await file.arrayBuffer()), name: file.name }
      : { bytes: new Uint8Array(0), name: '' };
  };
  const documentId = (form: FormData) => parseForm(z.object({ documentId: id }), form, t).documentId;
  /** A photo that shows why extra work is needed (only when one was chosen). */
  const costPhoto = async (form: FormData) => {
    const [bytes] = await uploadedFiles(form, 'photo');
    return bytes ? { photoId: (await storeImage(ctx, 'photo', bytes, 'photo')).id } : {};
  };
  const step =
    (action: 'start' | 'finish' | 'skip' | 'block'): Handler =>
    async (form) => {
      const input = parseForm(z.object({ stepId: id, reason }), form, t);
      await changeStepStatus(ctx, jobId, input.stepId, action, input.reason ? { reason: input.reason } : {});
      return undefined;
    };
  const promiseInput = (form: FormData): [string, PromiseInput] => {
    const input = parseForm(
      z.object({ stepId: id, promisedAt: z.string().max(32), reason, fixed: z.literal('1').optional() }),
      form,
      t,
    );
    const promisedAt = input.promisedAt ? fromLocalInput(input.promisedAt, timeZone) : null;
    if (input.promisedAt && promisedAt === null) throw invalid('promisedAt', 'date_expected');
    return [input.stepId, { promisedAt, reason: input.reason, fixed: input.fixed === '1' }];
  };
  return {
    start: step('start'),
    finish: step('finish'),
    skip: step('skip'),
    block: step('block'),
    assign: async (form) => {
      const input = parseForm(z.object({ stepId: id, assigneeId: z.string().max(64) }), form, t);
      await assignStep(ctx, jobId, input.stepId, input.assigneeId || null);
      return undefined;
    },
    promise: async (form) => {
      await promiseStep(ctx, jobId, ...promiseInput(form));
      return undefined;
    },
    // Staff book a step's moment for the customer (a phone call), move it or cancel it: the service's rules
    // (a reason to move or cancel a customer's booking, overbooking for admins only).
    bookSlot: async (form) => {
      const input = parseForm(
        z.object({
          stepId: id,
          startsAt: z.string().min(1).max(40),
          reason,
          force: z.literal('1').optional(),
        }),
        form,
        t,
      );
      const startsAt = Date.parse(input.startsAt);
      if (Number.isNaN(startsAt)) throw invalid('startsAt', 'not_a_slot');
      await bookSlot(ctx, jobId, input.stepId, startsAt, {
        reason: input.reason ?? null,
        force: input.force === '1',
      });
      return undefined;
    },
    cancelBooking: async (form) => {
      const input = parseForm(z.object({ stepId: id, reason }), form, t);
      await cancelBooking(ctx, jobId, input.stepId, { reason: input.reason ?? null });
      return undefined;
    },
    // The same form's other button: what the move would do to the later steps, shown before saving.
    previewPromise: async (form) => {
      const [stepId, input] = promiseInput(form);
      const changes = await previewPromise(ctx, jobId, stepId, input);
      return { show: { preview: { stepId, changes, values: Object.fromEntries(textFields(form)) } } };
    },
    note: async (form) => {
      const input = parseForm(
        z.object({
          stepId: id,
          markdown: z.string().trim().min(1).max(LIMITS.note),
          visibility: z.enum(['customer', 'internal']),
        }),
        form,
        t,
      );
      const files = await uploadedFiles(form, 'photos');
      if (files.length > LIMITS.photosPerUpload)
        throw invalid('photos', 'too_many_photos', { max: LIMITS.photosPerUpload });
      // Images are stored first (they are not part of the job yet); the note then links them in one transaction.
      const photos = [];
      for (const bytes of files) photos.push(await storeImage(ctx, 'photos', bytes, 'photo'));
      await postNote(ctx, jobId, input.stepId, { ...input, photoIds: photos.map((p) => p.id) });
      return undefined;
    },
    addCost: async (form) => {
      const input = parseForm(costFields, form, t);
      await addCostLine(ctx, jobId, { ...costInput(input), ...(await costPhoto(form)) });
      return undefined;
    },
    editCost: async (form) => {
      const input = parseForm(costFields.extend({ lineId: id }), form, t);
      await changeCostLine(ctx, jobId, input.lineId, { ...costInput(input), ...(await costPhoto(form)) });
      return undefined;
    },
    removeCost: async (form) => {
      const input = parseForm(z.object({ lineId: id, ...destructive }), form, t);
      await removeCostLine(ctx, jobId, input.lineId, { reason: input.reason });
      return undefined;
    },
    issueInvoice: async () => {
      await issueInvoice(ctx, jobId);
      return undefined;
    },
    creditInvoice: async (form) => {
      const input = parseForm(z.object({ invoiceId: id, ...destructive }), form, t);
      await creditInvoice(ctx, jobId, input.invoiceId, { reason: input.reason });
      return undefined;
    },
    cancel: async (form) => {
      const input = parseForm(z.object(destructive), form, t);
      await cancelJob(ctx, jobId, { reason: input.reason });
      return undefined;
    },
    answer: async (form) => {
      const input = parseForm(z.object({ questionId: id, answer: z.string().max(LIMITS.answer) }), form, t);
      await answerQuestion(ctx, input.questionId, input);
      return undefined;
    },
    record: async (form) => {
      const input = parseForm(
        z.object({
          stepId: z.string().max(64),
          channel: z.enum(['phone', 'desk', 'email']),
          body: z.string().max(LIMITS.question),
          // Minutes it took (optional): a whole number; the service checks the range.
          effortMinutes: z
            .string()
            .trim()
            .regex(/^\d{0,4}$/, 'effort_minutes_range')
            .optional()
            .transform((v) => (v ? Number(v) : null)),
        }),
        form,
        t,
      );
      await askQuestion(ctx, jobId, { ...input, stepId: input.stepId || null });
      return undefined;
    },
    askBack: async (form) => {
      const input = parseForm(
        z.object({
          threadId: z.string().max(LIMITS.id).optional(),
          stepId: z.string().max(LIMITS.id).optional(),
          body: z.string().max(LIMITS.question),
        }),
        form,
        t,
      );
      await askCustomer(ctx, jobId, {
        body: input.body,
        threadId: input.threadId || null,
        stepId: input.stepId || null,
      });
      return undefined;
    },
    kudos: async (form) => {
      const input = parseForm(
        z.object({ stepId: id, note: z.string().max(LIMITS.kudosNote).optional() }),
        form,
        t,
      );
      await giveKudos(ctx, jobId, input.stepId, { note: input.note ?? null });
      return undefined;
    },
    followUp: async (form) => {
      const input = parseForm(z.object({ note: z.string().trim().min(1).max(LIMITS.reason) }), form, t);
      await completeFollowUp(ctx, jobId, input);
      return undefined;
    },
    reissue: async (form) => {
      const input = parseForm(z.object(destructive), form, t);
      await reissueTrackerToken(ctx, jobId, { reason: input.reason });
      return undefined;
    },
    addDocument: async (form) => {
      const input = parseForm(
        z.object({
          stepId: id,
          title_nl: z.string().trim().max(LIMITS.title).optional(),
          title_en: z.string().trim().max(LIMITS.title).optional(),
          visible: z.literal('1').optional(),
          signoff: z.literal('1').optional(),
        }),
        form,
        t,
      );
      const own = documents.defaultLocale;
      const other = own === 'nl' ? 'en' : 'nl';
      await addDocument(
        ctx,
        jobId,
        input.stepId,
        {
          title: input[`title_${own}`] || input[`title_${other}`] || '',
          translations: { [other]: { title: input[`title_${other}`] ?? '' } },
          visibleToCustomer: input.visible === '1',
          requestSignoff: input.signoff === '1',
        },
        await withBytes(form),
        documents.maxBytes,
      );
      return undefined;
    },
    documentVersion: async (form) => {
      await replaceDocument(ctx, jobId, documentId(form), await withBytes(form), documents.maxBytes);
      return undefined;
    },
    documentVisibility: async (form) => {
      const input = parseForm(z.object({ documentId: id, visible: z.enum(['0', '1']) }), form, t);
      await changeDocument(ctx, jobId, input.documentId, { visibleToCustomer: input.visible === '1' });
      return undefined;
    },
    requestSignoff: async (form) => {
      await requestDocumentSignoff(ctx, jobId, documentId(form));
      return undefined;
    },
    requestQuote: async () => {
      await requestQuoteSignoff(ctx, jobId);
      return undefined;
    },
    ...(sms && {
      sendSms: async () => {
        await queueTrackerLinkSms(ctx, jobId, sms.publicUrl);
        return undefined;
      },
    }),
  };
}

function costInput(input: z.output<typeof costFields>) {
  return {
    explanation: input.explanation || null,
    stepWaits: input.stepWaits === '1',
    kind: input.kind,
    description: input.description,
    quantityMilli: input.quantity,
    unitPriceCents: input.unitPrice,
    vatRateBp: input.vatRate,
    state: input.state,
    stepId: input.stepId || null,
  };
}

const textFields = (form: FormData) =>
  [...form].filter((entry): entry is [string, string] => typeof entry[1] === 'string');
