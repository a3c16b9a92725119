/**
 * `npm run screenshots`: the README's pictures, from the product itself. Starts the build
 * (`dist/server.mjs`) on a fresh database with the demo data, signs in as the demo notary office's admin, and
 * photographs with Debian's Chromium (playwright-core; CHROMIUM_PATH to use another): the tracker on a
 * desktop, and on a phone (390 × 844) the tracker, the feedback form of a finished job and the console's
 * board. Writes public/screenshots/*.png.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { DEMO_PASSWORD } from '../src/demo/seed';

const dir = mkdtempSync(join(tmpdir(), 'ok-shots-'));
const databaseUrl = `file:${join(dir, 'demo.db')}`;
const child = spawn(process.execPath, ['dist/server.mjs'], {
  env: { ...process.env, PORT: '0', HOST: '127.0.0.1', DATABASE_URL: databaseUrl, LOG_LEVEL: 'warn' },
  stdio: ['ignore', 'pipe', 'inherit', 'ipc'],
});
const url = await new Promise<string>((resolve, reject) => {
  child.on('message', (m: { type?: string; url?: string }) => m.type === 'ready' && m.url && resolve(m.url));
  child.on('exit', (code) => reject(new Error(`the server exited (${code})`)));
});
child.stdout?.resume();
const links = readFileSync(join(dir, 'demo.demo-links.txt'), 'utf8');
const tracker = (reference: string) => {
  const line = links.split('\n').find((l) => l.trim().startsWith(reference));
  const found = line?.match(/https?:\/\/\S+\/t\/\S+/)?.[0];
  if (!found) throw new Error(`no tracker link for ${reference} in the demo links`);
  return `${url}${new URL(found).pathname}`;
};
// The notary office's admin: its demo has a low score to follow up, which the board shows first.
const office = links.split(/\n(?=\S)/).find((block) => block.includes('AKTE-2026-0064')) ?? '';
const admin = office.match(/Console: .*?(\S+@\S+) \(admin\)/)?.[1];
if (!admin) throw new Error('no admin of the notary office in the demo links');

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: ['--no-sandbox'],
});
try {
  const shoot = async (
    path: string,
    file: string,
    viewport: { width: number; height: number },
    options: { locale?: string; storageState?: string; at?: string } = {},
  ) => {
    const context = await browser.newContext({
      viewport,
      deviceScaleFactor: 1,
      locale: options.locale ?? 'nl-NL',
      storageState: options.storageState,
      reducedMotion: 'reduce',
    });
    const page = await context.newPage();
    await page.goto(path.startsWith('http') ? path : `${url}${path}`);
    if (options.at) await page.locator(options.at).scrollIntoViewIfNeeded();
    await page.waitForLoadState('networkidle');
    await page.screenshot({ path: `public/screenshots/${file}`, fullPage: !options.at });
    await context.close();
    console.log(`public/screenshots/${file}`);
  };
  const running = tracker('WO-2026-0142');
  await shoot(running, 'tracker.png', { width: 1280, height: 900 });
  await shoot(running, 'tracker-phone.png', { width: 390, height: 844 });
  await shoot(
    tracker('WO-2026-0143'),
    'feedback-phone.png',
    { width: 390, height: 844 },
    { locale: 'en-GB' },
  );

  // The console, signed in as the notary office's admin.
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(`${url}/console/sign-in`);
  await page.locator('input[type=email]').fill(admin);
  await page.locator('input[type=password]').fill(DEMO_PASSWORD);
  await page.locator('form button[type=submit]').first().click();
  await page.waitForURL(/\/console\/$/);
  const state = join(dir, 'state.json');
  await context.storageState({ path: state });
  await context.close();
  await shoot('/console/', 'console-board-phone.png', { width: 390, height: 844 }, { storageState: state });
} finally {
  await browser.close();
  child.kill('SIGTERM');
  rmSync(dir, { recursive: true, force: true });
}
