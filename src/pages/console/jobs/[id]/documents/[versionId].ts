import type { APIRoute } from 'astro';
import { consolePage } from '../../../../../console/page';
import { staffVersionFile } from '../../../../../services/documents/documents';
import { documentHeaders } from '../../../../../services/documents/files';
import { ServiceError } from '../../../../../services/platform/errors';

/** Any version of a document of this organisation, for staff (the old ones stay downloadable). */
export const GET: APIRoute = async (Astro) => {
  const { ctx } = consolePage(Astro);
  try {
    const file = await staffVersionFile(ctx, (Astro.params.versionId ?? '').slice(0, 64));
    if (file.jobId !== Astro.params.id)
      throw new ServiceError('not_found', 'not_found', { what: 'document' });
    const disposition = Astro.url.searchParams.get('download') === '1' ? 'attachment' : 'inline';
    return new Response(new Uint8Array(file.bytes), { headers: documentHeaders(file, disposition) });
  } catch (error) {
    if (error instanceof ServiceError && error.kind === 'not_found')
      return new Response('Not found', { status: 404, headers: { 'content-type': 'text/plain' } });
    throw error;
  }
};
