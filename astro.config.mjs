// @ts-check
import { cpSync } from 'node:fs';
import node from '@astrojs/node';
import solid from '@astrojs/solid-js';
import { defineConfig } from 'astro/config';
import { build } from 'esbuild';
import { precompress } from './src/http/precompress.ts';
import { widgetIntegration } from './src/widget/bundle.ts';

// One process serves everything: src/fetch.ts (Hono) is the request pipeline, Astro renders pages after it.
export default defineConfig({
  output: 'server',
  // 'middleware': the adapter's handler renders only; src/http/node-server.ts serves the built files
  // itself from memory (no file-system lookup per request) with precompressed variants.
  adapter: node({ mode: 'middleware' }),
  // precompressed() last: it compresses what the others wrote into dist/client.
  integrations: [solid(), widgetIntegration(), serverEntry(), precompressed()],
  server: { host: process.env.HOST ?? '127.0.0.1', port: Number(process.env.PORT ?? 4321) },
  // src/console/guard.ts checks the origin of every state-changing request, JSON included.
  security: { checkOrigin: false },
  devToolbar: { enabled: false },
  vite: {
    // Never inline a page's script into its HTML: every page's CSP allows scripts from 'self' only, so an
    // inlined one (Astro inlines small scripts by default) would not run. Other assets keep the default.
    build: { assetsInlineLimit: (file) => (file.endsWith('.js') ? false : undefined) },
    ssr: { external: ['@libsql/client', 'sanitize-html', 'sharp', 'web-push', 'http_ece'] },
  },
});

/**
 * `npm start`'s entry, src/start.ts (migrate, seed, serve the build), compiled with the build into
 * dist/server.mjs, so starting a server is plain `node` (tsx would compile it at every start, which
 * costs each test file's server about a second). Packages stay imports; the migrations go beside it.
 * @returns {import('astro').AstroIntegration}
 */
function serverEntry() {
  return {
    name: 'open-kitchen-server-entry',
    hooks: {
      'astro:build:done': async ({ logger }) => {
        await build({
          entryPoints: ['src/start.ts'],
          outfile: 'dist/server.mjs',
          bundle: true,
          packages: 'external',
          platform: 'node',
          format: 'esm',
          target: 'node22',
          logLevel: 'warning',
        });
        cpSync('db/migrations', 'dist/migrations', { recursive: true });
        cpSync('db/migrations-pg', 'dist/migrations-pg', { recursive: true });
        logger.info('dist/server.mjs (node dist/server.mjs serves this build)');
      },
    },
  };
}

/**
 * `x.br` and `x.gz` beside every compressible file in dist/client, once per build (src/http/precompress.ts).
 * @returns {import('astro').AstroIntegration}
 */
function precompressed() {
  return {
    name: 'open-kitchen-precompress',
    hooks: {
      'astro:build:done': ({ logger }) => {
        const { files, plain, brotli } = precompress('dist/client');
        logger.info(`${files} client files precompressed (${plain} B → ${brotli} B brotli)`);
      },
    },
  };
}
