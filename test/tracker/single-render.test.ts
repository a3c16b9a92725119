import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * TrackerBody is marked with its renderer so Astro skips the renderer `check()` (which renders the whole
 * component once more just to pick a renderer). A tripwire: fails if the mark is gone, or if the Astro
 * installed no longer reads it before calling `check()`.
 */
describe('TrackerBody renders once per page', () => {
  it('is marked, and the pages render the marked one', () => {
    // (TrackerBody.tsx is Solid JSX, which the unit project does not compile: read as text.)
    const mark = readFileSync('src/components/tracker-body-server.ts', 'utf8');
    expect(mark).toContain("Symbol.for('astro:renderer')");
    expect(mark).toContain("'@astrojs/solid-js'");
    for (const page of ['src/pages/t/[token].astro', 'src/pages/console/jobs/[id].astro']) {
      const text = readFileSync(page, 'utf8');
      expect(text, page).toMatch(/import TrackerBody from '[./]+components\/tracker-body-server'/);
    }
  });

  it('is read by the installed Astro before any check()', () => {
    const root = dirname(createRequire(import.meta.url).resolve('astro/package.json'));
    const render = join(root, 'dist/runtime/server/render');
    expect(readFileSync(join(render, 'common.js'), 'utf8')).toContain('Symbol.for("astro:renderer")');
    const component = readFileSync(join(render, 'component.js'), 'utf8');
    const tagged = component.indexOf('Component[Renderer]');
    const check = component.indexOf('.ssr.check.call');
    expect(tagged).toBeGreaterThan(0);
    expect(check).toBeGreaterThan(tagged);
  });
});
