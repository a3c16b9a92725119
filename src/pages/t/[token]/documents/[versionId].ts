import type { APIRoute } from 'astro';
import { customerDocumentFile } from '../../../../services/documents/documents';
import { documentHeaders } from '../../../../services/documents/files';
import { findTrackedJob } from '../../../../services/tracker/tracker';

/**
 * A document on the customer's tracker: the newest version of a visible document of this job (or a
 * version they signed off), shown in the browser's own viewer or, with `?download=1`, saved. Anything
 * else is 404. The headers keep whatever the file holds from running on our origin (files.ts).
 */
export const GET: APIRoute = async ({ params, locals, url }) => {
  const { runtime } = locals;
  const found = await findTrackedJob(runtime.database.db, params.token ?? '');
  const file = found
    ? await customerDocumentFile(runtime.database.db, found.job.id, (params.versionId ?? '').slice(0, 64))
    : null;
  if (!file) return new Response('Not found', { status: 404, headers: { 'content-type': 'text/plain' } });
  const disposition = url.searchParams.get('download') === '1' ? 'attachment' : 'inline';
  return new Response(new Uint8Array(file.bytes), { headers: documentHeaders(file, disposition) });
};
