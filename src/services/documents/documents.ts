import { and, asc, count, desc, eq, inArray } from 'drizzle-orm';
import {
  type DocumentRow,
  type DocumentTranslations,
  documents,
  documentVersions,
  jobs,
  signoffs,
} from '../../../db/schema';
import type { PublicDocument } from '../../events/catalogue';
import { cleanTranslations } from '../../i18n/content';
import { loadJob, loadStep } from '../jobs/load';
import { type Ctx, type Db, inTransaction } from '../platform/context';
import { conflict, invalid, notFound } from '../platform/errors';
import { appendEvent } from '../platform/events';
import { newId } from '../platform/ids';
import { LIMITS } from '../platform/limits';
import { authorize } from '../staff/permissions';
import { type CheckedFile, checkFile, DEFAULT_DOCUMENT_MAX_BYTES } from './files';
import { openDocumentSignoff, withdrawOpenSignoffs } from './signoffs';
import { currentVersion, type VersionMeta, versionMeta } from './versions';

export type { PublicDocument } from '../../events/catalogue';

export type DocumentInput = {
  title: string;
  translations?: DocumentTranslations | null;
  visibleToCustomer: boolean;
  /** Each version asks the customer's sign-off (see ./signoffs.ts). */
  requestSignoff?: boolean;
};

export type DocumentPatch = Partial<Omit<DocumentInput, 'requestSignoff'>>;

/** An uploaded file as it came: its bytes and the name the client gave (used only for the download's name). */
export type Upload = { bytes: Uint8Array; name: string };

/** Staff see every version of a document; the customer only the newest (and what they signed). */
export type StaffDocument = PublicDocument & {
  versions: { version: number; versionId: string; sha256: string; size: number; createdAt: number }[];
};

const TITLE_FIELDS = ['title'] as const;

export function publicDocument(doc: DocumentRow, version: VersionMeta): PublicDocument {
  return {
    id: doc.id,
    stepId: doc.stepId,
    title: doc.title,
    translations: doc.translations,
    version: version.version,
    versionId: version.id,
    contentType: version.contentType,
    filename: version.filename,
    size: version.size,
    sha256: version.sha256,
    visibleToCustomer: doc.visibleToCustomer,
    signoffRequested: doc.signoffRequested,
    createdAt: doc.createdAt,
    updatedAt: doc.updatedAt,
  };
}

function checkTexts(input: { title?: string | undefined; translations?: DocumentTranslations | null }) {
  const title = input.title?.trim();
  if (input.title !== undefined && (!title || title.length > LIMITS.title))
    throw invalid('title', 'document_title_needed', { max: LIMITS.title });
  const translations = cleanTranslations(input.translations, TITLE_FIELDS);
  for (const locale of ['nl', 'en'] as const) {
    if ((translations[locale]?.title?.length ?? 0) > LIMITS.title)
      throw invalid(`translations.${locale}.title`, 'document_title_needed', { max: LIMITS.title });
  }
  return { title, translations };
}

/**
 * Attaches a file to a step. Who may, and whether the job and step are this organisation's, is read
 * before the file is checked (an image is decoded outside the transaction: sharp must not hold the
 * writer); the document, its first version and the event then commit together.
 */
export async function addDocument(
  ctx: Ctx,
  jobId: string,
  stepId: string,
  input: DocumentInput,
  upload: Upload,
  maxBytes: number = DEFAULT_DOCUMENT_MAX_BYTES,
): Promise<StaffDocument> {
  const job = await loadJob(ctx.db, ctx, jobId);
  await loadStep(ctx.db, jobId, stepId);
  await authorize(ctx.db, ctx, 'document:manage');
  const { title, translations } = checkTexts(input);
  if (!title) throw invalid('title', 'document_title_needed', { max: LIMITS.title });
  if (input.requestSignoff) {
    await authorize(ctx.db, ctx, 'signoff:request');
    if (!input.visibleToCustomer) throw conflict('document_hidden');
    // A closed job's customer can no longer decide: asking would leave the request open for ever.
    if (job.status !== 'open') throw conflict('job_closed', { status: job.status }, { status: job.status });
  }
  const file = await checkFile('file', upload.bytes, upload.name, maxBytes);
  return inTransaction(ctx, async (tx) => {
    const current = await loadJob(tx, ctx, jobId);
    await loadStep(tx, jobId, stepId);
    if (input.requestSignoff && current.status !== 'open')
      throw conflict('job_closed', { status: current.status }, { status: current.status });
    const [held] = await tx.select({ n: count() }).from(documents).where(eq(documents.jobId, jobId));
    if ((held?.n ?? 0) >= LIMITS.documentsPerJob)
      throw conflict('too_many_documents', { max: LIMITS.documentsPerJob });
    const now = ctx.clock.now();
    const [doc] = await tx
      .insert(documents)
      .values({
        id: newId('doc'),
        organisationId: ctx.organisationId,
        jobId,
        stepId,
        title,
        translations,
        visibleToCustomer: input.visibleToCustomer,
        signoffRequested: !!input.requestSignoff,
        version: 1,
        createdAt: now,
        updatedAt: now,
      })
      .returning();
    if (!doc) throw new Error('document insert returned no row');
    const version = await insertVersion(tx, ctx, doc, 1, file);
    await touchJob(tx, ctx, jobId);
    await appendEvent(tx, ctx, {
      jobId,
      stepId,
      type: 'document.added',
      visibility: doc.visibleToCustomer ? 'customer' : 'internal',
      payload: { document: publicDocument(doc, version) },
    });
    if (doc.signoffRequested) await openDocumentSignoff(tx, ctx, doc, version);
    return staffDocument(tx, doc);
  });
}

/**
 * A new version of a document: the tracker shows it from now on; the earlier ones stay, for staff and
 * in the log. An open sign-off of the earlier version is withdrawn (a decided one stays, as of its
 * version), and a document that asks for sign-off asks again.
 */
export async function replaceDocument(
  ctx: Ctx,
  jobId: string,
  documentId: string,
  upload: Upload,
  maxBytes: number = DEFAULT_DOCUMENT_MAX_BYTES,
): Promise<StaffDocument> {
  await loadDocument(ctx.db, ctx, jobId, documentId);
  await authorize(ctx.db, ctx, 'document:manage');
  const file = await checkFile('file', upload.bytes, upload.name, maxBytes);
  return inTransaction(ctx, async (tx) => {
    const doc = await loadDocument(tx, ctx, jobId, documentId);
    if (doc.version >= LIMITS.versionsPerDocument)
      throw conflict('too_many_versions', { max: LIMITS.versionsPerDocument });
    const previous = await currentVersion(tx, doc);
    const now = ctx.clock.now();
    const [updated] = await tx
      .update(documents)
      .set({ version: doc.version + 1, updatedAt: now })
      .where(and(eq(documents.id, doc.id), eq(documents.version, doc.version)))
      .returning();
    // Two replacements at once: the second read the same version, and is refused rather than lost.
    if (!updated) throw conflict('document_changed');
    const version = await insertVersion(tx, ctx, updated, updated.version, file);
    await touchJob(tx, ctx, jobId);
    await withdrawOpenSignoffs(tx, ctx, updated.id);
    await appendEvent(tx, ctx, {
      jobId,
      stepId: updated.stepId,
      type: 'document.replaced',
      visibility: updated.visibleToCustomer ? 'customer' : 'internal',
      payload: {
        document: publicDocument(updated, version),
        previous: { version: previous.version, versionId: previous.id, sha256: previous.sha256 },
      },
    });
    // Asked again of the new version, while the customer can still decide.
    if (
      updated.signoffRequested &&
      updated.visibleToCustomer &&
      (await loadJob(tx, ctx, jobId)).status === 'open'
    )
      await openDocumentSignoff(tx, ctx, updated, version);
    return staffDocument(tx, updated);
  });
}

/** Changes a document's title or whether the customer sees it; hiding it withdraws an open sign-off. */
export async function changeDocument(
  ctx: Ctx,
  jobId: string,
  documentId: string,
  patch: DocumentPatch,
): Promise<StaffDocument> {
  return inTransaction(ctx, async (tx) => {
    const doc = await loadDocument(tx, ctx, jobId, documentId);
    await authorize(tx, ctx, 'document:manage');
    const { title, translations } = checkTexts(patch);
    const visible = patch.visibleToCustomer ?? doc.visibleToCustomer;
    const [updated] = await tx
      .update(documents)
      .set({
        ...(title ? { title } : {}),
        ...(patch.translations !== undefined ? { translations } : {}),
        visibleToCustomer: visible,
        ...(visible ? {} : { signoffRequested: false }),
        updatedAt: ctx.clock.now(),
      })
      .where(eq(documents.id, doc.id))
      .returning();
    if (!updated) throw notFound('document');
    if (!visible) await withdrawOpenSignoffs(tx, ctx, doc.id);
    await touchJob(tx, ctx, jobId);
    await appendEvent(tx, ctx, {
      jobId,
      stepId: updated.stepId,
      type: 'document.changed',
      // The customer hears of it while they can see it, and when it is taken away.
      visibility: visible || doc.visibleToCustomer ? 'customer' : 'internal',
      payload: { document: publicDocument(updated, await currentVersion(tx, updated)) },
    });
    return staffDocument(tx, updated);
  });
}

/** A job's documents with all their versions (staff). */
export async function listDocuments(ctx: Ctx, jobId: string): Promise<StaffDocument[]> {
  await loadJob(ctx.db, ctx, jobId);
  const rows = await ctx.db
    .select()
    .from(documents)
    .where(eq(documents.jobId, jobId))
    .orderBy(asc(documents.createdAt), asc(documents.id));
  return Promise.all(rows.map((doc) => staffDocument(ctx.db, doc)));
}

/** One version's file for staff: any version of this organisation's document. */
export async function staffDocumentFile(ctx: Ctx, jobId: string, documentId: string, version: number) {
  const doc = await loadDocument(ctx.db, ctx, jobId, documentId);
  const [file] = await ctx.db
    .select()
    .from(documentVersions)
    .where(and(eq(documentVersions.documentId, doc.id), eq(documentVersions.version, version)));
  if (!file) throw notFound('document');
  return file;
}

/** The file of a version for staff by its id (the console's links). */
export async function staffVersionFile(ctx: Ctx, versionId: string) {
  const [file] = await ctx.db
    .select()
    .from(documentVersions)
    .where(and(eq(documentVersions.id, versionId), eq(documentVersions.organisationId, ctx.organisationId)));
  if (!file) throw notFound('document');
  return file;
}

/** The documents the customer sees on a job: visible ones, as of their newest version. */
export async function customerDocuments(db: Db, jobId: string): Promise<PublicDocument[]> {
  const rows = await db
    .select({ doc: documents, version: versionMeta() })
    .from(documents)
    .innerJoin(
      documentVersions,
      and(eq(documentVersions.documentId, documents.id), eq(documentVersions.version, documents.version)),
    )
    .where(and(eq(documents.jobId, jobId), eq(documents.visibleToCustomer, true)))
    .orderBy(asc(documents.createdAt), asc(documents.id));
  return rows.map((r) => publicDocument(r.doc, r.version));
}

/**
 * A file the customer may open on their tracker: the newest version of a visible document of this
 * job, or a version they decided a sign-off on (so they can read what they signed). Anything else,
 * another job's included, is not found.
 */
export async function customerDocumentFile(db: Db, jobId: string, versionId: string) {
  const [row] = await db
    .select({ doc: documents, file: documentVersions })
    .from(documentVersions)
    .innerJoin(documents, eq(documents.id, documentVersions.documentId))
    .where(and(eq(documentVersions.id, versionId), eq(documentVersions.jobId, jobId)));
  if (!row?.doc.visibleToCustomer) return null;
  if (row.file.version === row.doc.version) return row.file;
  const [decided] = await db
    .select({ id: signoffs.id })
    .from(signoffs)
    .where(and(eq(signoffs.versionId, versionId), inArray(signoffs.status, ['signed', 'declined'])))
    .limit(1);
  return decided ? row.file : null;
}

export async function loadDocument(db: Db, ctx: Ctx, jobId: string, documentId: string) {
  const [doc] = await db
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
  return doc;
}

async function staffDocument(db: Db, doc: DocumentRow): Promise<StaffDocument> {
  const versions = await db
    .select({
      version: documentVersions.version,
      versionId: documentVersions.id,
      sha256: documentVersions.sha256,
      size: documentVersions.size,
      createdAt: documentVersions.createdAt,
    })
    .from(documentVersions)
    .where(eq(documentVersions.documentId, doc.id))
    .orderBy(desc(documentVersions.version));
  return { ...publicDocument(doc, await currentVersion(db, doc)), versions };
}

async function insertVersion(tx: Db, ctx: Ctx, doc: DocumentRow, version: number, file: CheckedFile) {
  const [row] = await tx
    .insert(documentVersions)
    .values({
      id: newId('docv'),
      documentId: doc.id,
      organisationId: ctx.organisationId,
      jobId: doc.jobId,
      version,
      filename: file.filename,
      contentType: file.contentType,
      size: file.size,
      sha256: file.sha256,
      bytes: file.bytes,
      createdAt: ctx.clock.now(),
    })
    .returning(versionMeta());
  if (!row) throw new Error('document version insert returned no row');
  return row;
}

/** The tracker's cached content is keyed on the job's change time (and its newest event). */
const touchJob = (tx: Db, ctx: Ctx, jobId: string) =>
  tx.update(jobs).set({ updatedAt: ctx.clock.now() }).where(eq(jobs.id, jobId));
