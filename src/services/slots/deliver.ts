import { and, eq } from 'drizzle-orm';
import { bookings, proofsOfDelivery, specialists } from '../../../db/schema';
import { loadJob, loadStep } from '../jobs/load';
import type { Ctx } from '../platform/context';
import { inTransaction } from '../platform/context';
import { conflict, invalid } from '../platform/errors';
import { appendEvent } from '../platform/events';
import { LIMITS } from '../platform/limits';
import { insertImages, ownImages, type ProcessedImage, processImage } from '../platform/media';
import { changeStepStatusIn } from '../steps/change-step-status';
import { type ProofView, proofView } from './route';

/**
 * Proof of delivery (docs/decisions/delivery-day.md): the driver finishes a booked stop with the name of
 * who received it, the signature they drew on the driver's phone (a PNG from the canvas; none when the page
 * ran without JavaScript) and an optional photo. The step is finished, the proof kept and the event
 * `booking.delivered` logged in one transaction, or none of it.
 */
export type DeliveryInput = {
  recipientName: string;
  /** The canvas's PNG (bytes), checked and re-encoded like any image. */
  signature?: Uint8Array | null;
  /** A photo uploaded with the form (bytes) … */
  photo?: Uint8Array | null;
  /** … or one already uploaded through POST /media (the API). */
  photoId?: string | null;
};

const PNG_DATA_URL = /^data:image\/png;base64,([A-Za-z0-9+/]+={0,2})$/;

/** A canvas's `toDataURL()` as bytes; anything else (or too large) is refused with the field named. */
export function signatureBytes(field: string, dataUrl: string): Uint8Array | null {
  if (dataUrl === '') return null;
  const base64 = PNG_DATA_URL.exec(dataUrl)?.[1];
  if (!base64) throw invalid(field, 'signature_unreadable');
  if ((base64.length * 3) / 4 > LIMITS.signatureBytes)
    throw invalid(field, 'image_too_large', { mb: LIMITS.signatureBytes / 1024 / 1024 });
  return Buffer.from(base64, 'base64');
}

export async function deliverStop(
  ctx: Ctx,
  jobId: string,
  stepId: string,
  input: DeliveryInput,
): Promise<ProofView> {
  const recipientName = input.recipientName.trim();
  if (!recipientName) throw invalid('recipientName', 'required');
  if (recipientName.length > LIMITS.personName)
    throw invalid('recipientName', 'too_long', { max: LIMITS.personName });
  // Image work (decoding, re-encoding) before the write transaction, which it would otherwise hold.
  const images: { signature: ProcessedImage | null; photo: ProcessedImage | null } = {
    signature: input.signature ? await processImage('signature', input.signature, 'signature') : null,
    photo: input.photo?.byteLength ? await processImage('photo', input.photo, 'photo') : null,
  };
  return inTransaction(ctx, async (tx) => {
    await loadJob(tx, ctx, jobId);
    const step = await loadStep(tx, jobId, stepId);
    const [booking] = await tx
      .select({ id: bookings.id })
      .from(bookings)
      .where(and(eq(bookings.stepId, stepId), eq(bookings.status, 'booked')));
    if (!booking) throw conflict('not_a_stop');
    const [earlier] = await tx
      .select({ stepId: proofsOfDelivery.stepId })
      .from(proofsOfDelivery)
      .where(eq(proofsOfDelivery.stepId, step.id));
    if (earlier) throw conflict('already_delivered');
    const [given] = input.photoId ? await ownImages(tx, ctx, 'photoId', [input.photoId]) : [];
    // Finishing checks who may (their own stop, or an unassigned one) and that the job is open.
    const finished = await changeStepStatusIn(tx, ctx, jobId, stepId, 'finish');
    const [signature] = images.signature ? await insertImages(tx, ctx, [images.signature]) : [];
    const [photo] = images.photo ? await insertImages(tx, ctx, [images.photo]) : [];
    const byId = ctx.actor.type === 'specialist' ? ctx.actor.id : null;
    const row = {
      stepId,
      organisationId: ctx.organisationId,
      jobId,
      recipientName,
      signatureId: signature?.id ?? null,
      photoId: photo?.id ?? given?.id ?? null,
      deliveredAt: finished.doneAt ?? ctx.clock.now(),
      byId,
    };
    await tx.insert(proofsOfDelivery).values(row);
    const [by] = byId
      ? await tx.select({ name: specialists.name }).from(specialists).where(eq(specialists.id, byId))
      : [];
    const { assigneeId: _, ...snapshot } = finished;
    const proof = proofView(row);
    await appendEvent(tx, ctx, {
      jobId,
      stepId,
      type: 'booking.delivered',
      payload: { step: snapshot, delivery: { ...proof, by: by?.name ?? null } },
    });
    return proof;
  });
}
