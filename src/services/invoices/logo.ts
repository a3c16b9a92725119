import sharp from 'sharp';
import type { Db } from '../platform/context';
import { readImage } from '../platform/media';

/**
 * The organisation's logo (stored as WebP in media, docs/decisions/invoice.md) as PNG for the PDF; null
 * when there is none, or it is not one of ours (an outside URL is never fetched while issuing).
 */
export async function logoPng(db: Db, logoUrl: string | null): Promise<Buffer | null> {
  const id = logoUrl?.match(/^\/media\/(img_[\w-]{16,64})$/)?.[1];
  if (!id) return null;
  const image = await readImage(db, id);
  if (!image) return null;
  return sharp(image.bytes).png().toBuffer();
}
