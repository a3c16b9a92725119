import { createHash } from 'node:crypto';
import sharp from 'sharp';
import { invalid } from '../platform/errors';
import { activeContent } from './pdf-scan';

/** What a step takes, known by the file's first bytes (never its name or the type a client claims). */
export const DOCUMENT_TYPES = ['application/pdf', 'image/jpeg', 'image/png', 'image/webp'] as const;
export type DocumentType = (typeof DOCUMENT_TYPES)[number];

const EXTENSION: Record<DocumentType, string> = {
  'application/pdf': 'pdf',
  'image/jpeg': 'jpg',
  'image/png': 'png',
  'image/webp': 'webp',
};

/** The default of DOCUMENT_MAX_MB (src/config.ts), for callers without a configuration (tests, scripts). */
export const DEFAULT_DOCUMENT_MAX_BYTES = 20 * 1024 * 1024;

/** Decoding more pixels than this is refused before sharp allocates them (a "pixel bomb"). */
export const MAX_IMAGE_PIXELS = 40_000_000;

/** The signatures of the four types: four magic numbers do not need a library. */
export function sniff(bytes: Uint8Array): DocumentType | null {
  const starts = (sig: number[], at = 0) => sig.every((b, i) => bytes[at + i] === b);
  if (starts([0x25, 0x50, 0x44, 0x46, 0x2d])) return 'application/pdf'; // %PDF-
  if (starts([0xff, 0xd8, 0xff])) return 'image/jpeg';
  if (starts([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return 'image/png';
  if (starts([0x52, 0x49, 0x46, 0x46]) && starts([0x57, 0x45, 0x42, 0x50], 8)) return 'image/webp'; // RIFF….WEBP
  return null;
}

/** A file as it will be stored and served: checked, images re-encoded, with its hash. */
export type CheckedFile = {
  contentType: DocumentType;
  bytes: Buffer;
  filename: string;
  size: number;
  sha256: string;
};

/**
 * Checks an uploaded file by its content and makes it what we store: a PDF exactly as sent (when it
 * holds no active content), an image decoded and re-encoded in its own format by sharp (upright, no
 * metadata, at most 4000 px a side), so what is served was written by us.
 */
export async function checkFile(
  field: string,
  upload: Uint8Array,
  name: string,
  maxBytes: number = DEFAULT_DOCUMENT_MAX_BYTES,
): Promise<CheckedFile> {
  if (upload.byteLength === 0) throw invalid(field, 'file_empty');
  if (upload.byteLength > maxBytes)
    throw invalid(field, 'document_too_large', { mb: Math.floor(maxBytes / 1024 / 1024) });
  const type = sniff(upload);
  if (!type) throw invalid(field, 'document_type');
  let bytes: Buffer;
  if (type === 'application/pdf') {
    if (activeContent(upload)) throw invalid(field, 'document_active_content');
    bytes = Buffer.from(upload);
  } else {
    bytes = await reencode(field, upload, type);
  }
  return {
    contentType: type,
    bytes,
    filename: safeFilename(name, type),
    size: bytes.byteLength,
    sha256: createHash('sha256').update(bytes).digest('hex'),
  };
}

async function reencode(field: string, bytes: Uint8Array, type: DocumentType): Promise<Buffer> {
  try {
    const image = sharp(bytes, { limitInputPixels: MAX_IMAGE_PIXELS, failOn: 'error' })
      .rotate()
      .resize({ width: 4000, height: 4000, fit: 'inside', withoutEnlargement: true });
    if (type === 'image/jpeg') return await image.jpeg({ quality: 85 }).toBuffer();
    if (type === 'image/png') return await image.png().toBuffer();
    return await image.webp({ quality: 85 }).toBuffer();
  } catch {
    throw invalid(field, 'document_unreadable');
  }
}

/** A name safe in a header and on any disk: ASCII letters, digits, `._-`, with its type's extension. */
export function safeFilename(name: string, type: DocumentType): string {
  const base = (name.split(/[\\/]/).pop() ?? '')
    .replace(/\.[^.]*$/, '')
    .normalize('NFKD')
    .replace(/[^A-Za-z0-9._-]+/g, '-')
    .replace(/^[-.]+|[-.]+$/g, '')
    .slice(0, 80);
  return `${base || 'document'}.${EXTENSION[type]}`;
}

/**
 * The headers every document is served with: its own type (never sniffed), downloaded or shown as the
 * browser's own viewer, and a policy that runs nothing on our origin should a file be mistaken for a page.
 */
export function documentHeaders(
  file: { contentType: string; filename: string; bytes: Uint8Array; sha256: string },
  disposition: 'inline' | 'attachment',
): Record<string, string> {
  return {
    'content-type': file.contentType,
    // The body's own length, whatever a column says: the response is framed by what is sent.
    'content-length': String(file.bytes.byteLength),
    'content-disposition': `${disposition}; filename="${file.filename}"`,
    'x-content-type-options': 'nosniff',
    // Shown inline, our own pages may frame it (the sign-off page's preview); nobody else may. Saved, none.
    'content-security-policy': `sandbox; default-src 'none'; img-src 'self' data:; style-src 'unsafe-inline'; frame-ancestors ${disposition === 'inline' ? "'self'" : "'none'"}`,
    'cross-origin-resource-policy': 'same-origin',
    'referrer-policy': 'no-referrer',
    'cache-control': 'private, no-store',
    // The hash of the bytes in this body: what a sign-off of this version records.
    'x-content-sha256': file.sha256,
  };
}
