import { and, eq, inArray } from 'drizzle-orm';
import sharp, { type OutputInfo } from 'sharp';
import { media, type NotePhoto } from '../../../db/schema';
import type { Ctx, Db } from './context';
import { invalid } from './errors';
import { newToken } from './ids';

/** What an uploaded image becomes: photos keep their shape, avatars are square, logos stay small. */
const SHAPES = {
  photo: { width: 1600, height: 1600, fit: 'inside' },
  avatar: { width: 320, height: 320, fit: 'cover' },
  logo: { width: 480, height: 160, fit: 'inside' },
  /** A signature drawn on a phone (proof of delivery). */
  signature: { width: 800, height: 400, fit: 'inside' },
} as const;
export type ImageShape = keyof typeof SHAPES;

export const MAX_UPLOAD_BYTES = 12 * 1024 * 1024;

/**
 * Stores an uploaded image: turned upright (EXIF orientation), resized, re-encoded as WebP and
 * stripped of all metadata (location, camera, owner) by sharp.
 */
export async function storeImage(
  ctx: Ctx,
  field: string,
  bytes: Uint8Array,
  shape: ImageShape,
): Promise<NotePhoto> {
  const [photo] = await insertImages(ctx.db, ctx, [await processImage(field, bytes, shape)]);
  if (!photo) throw new Error('image insert returned nothing');
  return photo;
}

export type ProcessedImage = { data: Buffer; width: number; height: number };

/**
 * The image work of `storeImage` without the write, for callers that store images in the same
 * transaction as what they belong to (inbound mail: the question and its photos, or neither).
 */
export async function processImage(
  field: string,
  bytes: Uint8Array,
  shape: ImageShape,
): Promise<ProcessedImage> {
  if (bytes.byteLength === 0) throw invalid(field, 'file_empty');
  if (bytes.byteLength > MAX_UPLOAD_BYTES)
    throw invalid(field, 'image_too_large', { mb: MAX_UPLOAD_BYTES / 1024 / 1024 });
  const { width, height, fit } = SHAPES[shape];
  let output: { data: Buffer; info: OutputInfo };
  try {
    output = await sharp(bytes, { limitInputPixels: 60_000_000, failOn: 'error' })
      .rotate()
      .resize({ width, height, fit, withoutEnlargement: true })
      .webp({ quality: 80 })
      .toBuffer({ resolveWithObject: true });
  } catch {
    throw invalid(field, 'image_unreadable');
  }
  return { data: output.data, width: output.info.width, height: output.info.height };
}

/** Stores processed images for the acting organisation (on `db`, which may be a transaction). */
export async function insertImages(db: Db, ctx: Ctx, images: ProcessedImage[]): Promise<NotePhoto[]> {
  const photos: NotePhoto[] = [];
  for (const image of images) {
    // A random id: photos on customer-visible notes are reachable by whoever holds the tracker link.
    const photo = { id: `img_${newToken()}`, width: image.width, height: image.height };
    await db.insert(media).values({
      ...photo,
      organisationId: ctx.organisationId,
      contentType: 'image/webp',
      bytes: image.data,
      createdAt: ctx.clock.now(),
    });
    photos.push(photo);
  }
  return photos;
}

/** One image by its id (the id is the capability). */
export async function readImage(db: Db, id: string) {
  const [row] = await db.select().from(media).where(eq(media.id, id));
  return row ?? null;
}

/** Checks that images named in input belong to the acting organisation. */
export async function ownImages(db: Db, ctx: Ctx, field: string, ids: string[]): Promise<NotePhoto[]> {
  if (ids.length === 0) return [];
  const rows = await db
    .select({ id: media.id, width: media.width, height: media.height })
    .from(media)
    .where(and(inArray(media.id, ids), eq(media.organisationId, ctx.organisationId)));
  const byId = new Map(rows.map((r) => [r.id, r]));
  return ids.map((id, i) => {
    const photo = byId.get(id);
    if (!photo) throw invalid(`${field}.${i}`, 'no_such_image');
    return photo;
  });
}

export const mediaUrl = (id: string) => `/media/${id}`;
