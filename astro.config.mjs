// @ts-check
import node from '@astrojs/node';
import solid from '@astrojs/solid-js';
import { defineConfig } from 'astro/config';
import { widgetIntegration } from './src/widget/bundle.ts';

// One process serves everything: src/fetch.ts (Hono) is the request pipeline, Astro renders pages after it.
export default defineConfig({
  output: 'server',
  adapter: node({ mode: 'standalone' }),
  integrations: [solid(), widgetIntegration()],
  server: { host: process.env.HOST ?? '127.0.0.1', port: Number(process.env.PORT ?? 4321) },
  // src/console/guard.ts checks the origin of every state-changing request, JSON included.
  security: { checkOrigin: false },
  devToolbar: { enabled: false },
  vite: {
    ssr: { external: ['@libsql/client', 'sanitize-html', 'sharp', 'web-push', 'http_ece'] },
  },
});
