// @ts-check
import node from '@astrojs/node';
import { defineConfig } from 'astro/config';

/**
 * The tracker page's throughput baseline (bench/tracker-page.ts): the smallest Astro server page that
 * sends the same bytes — same Astro and Node adapter as the product, one page, no middleware, no database.
 * Built into bench/tmp/ by the benchmark; served by the adapter's standalone server.
 */
export default defineConfig({
  root: new URL('.', import.meta.url).pathname,
  outDir: new URL('../tmp/astro-minimal', import.meta.url).pathname,
  output: 'server',
  adapter: node({ mode: 'standalone' }),
  security: { checkOrigin: false },
  devToolbar: { enabled: false },
});
