import { mkdirSync } from 'node:fs';
import sharp from 'sharp';

/**
 * Renders the app icons the tracker's web app manifest names (public/icons/, committed) from one
 * drawing, the favicon's. Run again after changing it: `npx tsx scripts/icons.ts`.
 * - `icon-192.png`, `icon-512.png`: "any" purpose, rounded square as the favicon.
 * - `maskable-512.png`: full-bleed background, the mark inside the 80 % safe zone (platforms crop it).
 * - `apple-touch-icon.png` (180 px): iOS rounds the corners itself and shows no transparency.
 */
const BLUE = '#1d4ed8';
const mark =
  '<path d="M8 20h16v3H8zM10 19a6 6 0 0 1 12 0z" fill="#fff"/><circle cx="16" cy="11" r="1.6" fill="#fff"/>';
const rounded = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32"><rect width="32" height="32" rx="7" fill="${BLUE}"/>${mark}</svg>`;
// The mark scaled to 60 % around the centre, on a square background.
const square = (scale: number) =>
  `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32"><rect width="32" height="32" fill="${BLUE}"/><g transform="translate(16 16) scale(${scale}) translate(-16 -16)">${mark}</g></svg>`;

const out = 'public/icons';
mkdirSync(out, { recursive: true });
const render = (svg: string, size: number, file: string) =>
  sharp(Buffer.from(svg), { density: 72 * (size / 32) })
    .resize(size, size)
    .png({ compressionLevel: 9 })
    .toFile(`${out}/${file}`);

await Promise.all([
  render(rounded, 192, 'icon-192.png'),
  render(rounded, 512, 'icon-512.png'),
  render(square(0.75), 512, 'maskable-512.png'),
  render(square(0.9), 180, 'apple-touch-icon.png'),
]);
console.log('icons written to', out);
