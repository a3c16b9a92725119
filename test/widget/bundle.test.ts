import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { bundleWidget, WIDGET_BUDGET, widgetIntegration, widgetSizes } from '../../src/widget/bundle';

const dir = mkdtempSync(join(tmpdir(), 'ok-widget-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const logged: string[] = [];
const logger = { info: (m: string) => logged.push(m) };
type Done = (o: { dir: URL; logger: typeof logger }) => Promise<void>;
const buildDone = (budget = WIDGET_BUDGET) =>
  widgetIntegration(budget).hooks['astro:build:done'] as unknown as Done;

describe('the widget build', () => {
  it('writes the loader and the frame script within budget, and says how big they are', async () => {
    await buildDone()({ dir: pathToFileURL(`${dir}/`), logger });
    expect(existsSync(join(dir, 'widget.js'))).toBe(true);
    expect(readFileSync(join(dir, 'widget-frame.js'), 'utf8')).toContain('openKitchenHeight');
    const sizes = widgetSizes(await bundleWidget());
    expect(sizes.loader).toBeLessThanOrEqual(WIDGET_BUDGET.loader);
    expect(sizes.whole).toBeLessThanOrEqual(WIDGET_BUDGET.whole);
    expect(logged.at(-1)).toContain(`loader ${sizes.loader} B gzip`);
  });

  it('fails when a script is over budget', async () => {
    await expect(
      buildDone({ loader: 100, whole: 5120 })({ dir: pathToFileURL(`${dir}/`), logger }),
    ).rejects.toThrow(/over its budget/);
    await expect(
      buildDone({ loader: 2048, whole: 1000 })({ dir: pathToFileURL(`${dir}/`), logger }),
    ).rejects.toThrow(/over its budget/);
  });
});
