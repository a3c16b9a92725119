import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import type { AstroIntegration } from 'astro';
import { build } from 'esbuild';

/** The budgets in docs/budgets.md, in gzip bytes: the loader alone, and everything the widget runs. */
export const WIDGET_BUDGET = { loader: 2048, whole: 5120 };

const here = fileURLToPath(new URL('.', import.meta.url));
const ENTRIES = { widget: join(here, 'loader.ts'), 'widget-frame': join(here, 'frame.ts') };

/** The loader and the frame script, minified: `{ 'widget.js': …, 'widget-frame.js': … }`. */
export async function bundleWidget(): Promise<Record<string, Uint8Array>> {
  const result = await build({
    entryPoints: ENTRIES,
    bundle: true,
    minify: true,
    format: 'iife',
    target: 'es2020',
    write: false,
    outdir: 'out',
    legalComments: 'none',
  });
  return Object.fromEntries(result.outputFiles.map((f) => [f.path.split('/').pop() ?? '', f.contents]));
}

export function widgetSizes(files: Record<string, Uint8Array>) {
  const gz = (name: string) => gzipSync(files[name] ?? new Uint8Array(), { level: 9 }).length;
  const loader = gz('widget.js');
  return { loader, whole: loader + gz('widget-frame.js') };
}

/**
 * Builds the widget's two scripts at fixed URLs (/widget.js is what businesses paste) and fails the
 * build when they are over budget; `astro dev` serves them fresh from source.
 */
export function widgetIntegration(budget = WIDGET_BUDGET): AstroIntegration {
  return {
    name: 'open-kitchen-widget',
    hooks: {
      'astro:build:done': async ({ dir, logger }) => {
        const files = await bundleWidget();
        const sizes = widgetSizes(files);
        const out = fileURLToPath(dir);
        await mkdir(out, { recursive: true });
        for (const [name, contents] of Object.entries(files)) await writeFile(join(out, name), contents);
        logger.info(
          `widget: loader ${sizes.loader} B gzip (budget ${budget.loader}), ` +
            `whole ${sizes.whole} B gzip (budget ${budget.whole})`,
        );
        if (sizes.loader > budget.loader || sizes.whole > budget.whole)
          throw new Error(
            `The widget is over its budget: ${JSON.stringify(sizes)} > ${JSON.stringify(budget)}`,
          );
      },
      'astro:server:setup': ({ server }) => {
        server.middlewares.use(async (req, res, next) => {
          const name = req.url?.split('?')[0]?.slice(1) ?? '';
          if (name !== 'widget.js' && name !== 'widget-frame.js') return next();
          const files = await bundleWidget();
          res.setHeader('content-type', 'text/javascript; charset=utf-8');
          res.end(files[name]);
        });
      },
    },
  };
}
