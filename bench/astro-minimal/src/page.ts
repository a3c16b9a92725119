import { readFileSync } from 'node:fs';

/** The tracker page's HTML as the product rendered it, read once at start (written by bench/tracker-page.ts). */
export const html = readFileSync(process.env.BENCH_PAGE_HTML ?? '', 'utf8');
