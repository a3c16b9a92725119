import { eq } from 'drizzle-orm';
import { jobs, notes } from '../../../db/schema';
import { loadAssignableSpecialist, loadOpenStep } from '../jobs/load';
import { type PublicNote, publicNote } from '../jobs/views';
import { type Ctx, inTransaction } from '../platform/context';
import { appendEvent, type Visibility } from '../platform/events';
import { newId } from '../platform/ids';
import { renderMarkdown } from '../platform/markdown';
import { ownImages } from '../platform/media';
import { authorize } from '../staff/permissions';

export type NoteView = PublicNote & { visibility: Visibility; markdown: string };

export type PostNoteInput = {
  markdown: string;
  visibility: Visibility;
  authorId?: string | null;
  /** Images stored beforehand with `storeImage`. */
  photoIds?: string[];
};

/** A progress note on a step; internal notes are logged as internal events and never reach the customer. */
export async function postNote(
  ctx: Ctx,
  jobId: string,
  stepId: string,
  input: PostNoteInput,
): Promise<NoteView> {
  const html = renderMarkdown(input.markdown);
  return inTransaction(ctx, async (tx) => {
    await loadOpenStep(tx, ctx, jobId, stepId);
    await authorize(tx, ctx, 'step:note');
    const authorId = input.authorId ?? (ctx.actor.type === 'specialist' ? ctx.actor.id : null);
    const author = authorId ? await loadAssignableSpecialist(tx, ctx, 'authorId', authorId) : null;
    const photos = await ownImages(tx, ctx, 'photoIds', input.photoIds ?? []);
    const now = ctx.clock.now();
    const [note] = await tx
      .insert(notes)
      .values({
        id: newId('note'),
        jobId,
        stepId,
        authorId: author?.id ?? null,
        markdown: input.markdown,
        html,
        visibility: input.visibility,
        photos,
        createdAt: now,
      })
      .returning();
    if (!note) throw new Error('note insert returned no row');
    await tx.update(jobs).set({ updatedAt: now }).where(eq(jobs.id, jobId));
    const view = publicNote(note, author);
    await appendEvent(tx, ctx, {
      jobId,
      stepId,
      type: 'note.posted',
      visibility: input.visibility,
      payload: { note: view },
    });
    return { ...view, visibility: note.visibility, markdown: note.markdown };
  });
}
