import { and, eq } from 'drizzle-orm';
import { columnsWithout } from '../../../db/columns';
import { type DocumentRow, type DocumentVersion, documentVersions } from '../../../db/schema';
import type { Db } from '../platform/context';

/** A document version as read to show it: every column but its bytes (up to `DOCUMENT_MAX_MB`). */
export type VersionMeta = Omit<DocumentVersion, 'bytes'>;

/** The columns of a version without its bytes, built per query (see `columnsWithout`). */
export const versionMeta = () => columnsWithout(documentVersions, 'bytes');

/** The newest version of a document, without its bytes. */
export async function currentVersion(db: Db, doc: DocumentRow): Promise<VersionMeta> {
  const [version] = await db
    .select(versionMeta())
    .from(documentVersions)
    .where(and(eq(documentVersions.documentId, doc.id), eq(documentVersions.version, doc.version)));
  if (!version) throw new Error(`document ${doc.id} has no version ${doc.version}`);
  return version;
}
