import { type Browser, chromium } from 'playwright-core';
import { afterAll } from 'vitest';

/** Debian's Chromium, headless, driven by playwright-core (no browser downloads). */
export async function launchBrowser(): Promise<Browser> {
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
    ],
  });
  afterAll(() => browser.close());
  return browser;
}
