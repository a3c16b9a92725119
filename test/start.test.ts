import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { demoLinksFile, firstApiKey, keptDemoText } from '../src/demo/links';
import { spawnServer } from './server';

/** `npm start` as a new user meets it: demo data, the links and keys it prints, and what it keeps. */
const dir = mkdtempSync(join(tmpdir(), 'ok-start-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const first = `file:${join(dir, 'first.db')}`;

/** The `Try:` line's curl command, run as pasted (its key and URL), through fetch. */
async function runTryLine(output: string) {
  const line = /^Try: {2}curl -H "Authorization: Bearer (\S+)" (\S+)$/m.exec(output);
  expect(line, output).not.toBeNull();
  const [, key, url] = line as unknown as [string, string, string];
  return fetch(url, { headers: { authorization: `Bearer ${key}` } });
}

describe('npm start', () => {
  it('prints a curl example with a real demo key, and keeps what it printed for that database', async () => {
    const a = await spawnServer({ DATABASE_URL: first, SEED: 'auto' });
    expect(a.output()).toContain('API keys are shown once');
    const response = await runTryLine(a.output());
    expect(response.status).toBe(200);
    expect((await response.json()).jobs.length).toBeGreaterThan(0);
    await a.stop();
    const kept = readFileSync(join(dir, 'first.demo-links.txt'), 'utf8');
    expect(kept).toContain(firstApiKey(a.output()) ?? 'no key printed');
    // What the next start on this database prints (a database with data is not seeded again).
    expect(keptDemoText(first)).toBe(kept);
    expect(a.output()).toContain(kept);
  });

  it('keeps demo links per database: beside an embedded one, under a name of its own for a server', () => {
    expect(demoLinksFile(first)).not.toBe(demoLinksFile(`file:${join(dir, 'second.db')}`));
    expect(demoLinksFile('file:db/open-kitchen.db')).toBe('db/open-kitchen.demo-links.txt');
    expect(demoLinksFile('file:///tmp/x/shop.sqlite?mode=rwc')).toBe('/tmp/x/shop.demo-links.txt');
    expect(demoLinksFile('file::memory:')).toBeNull();
    const remote = demoLinksFile('libsql://db.example:8080');
    expect(remote).toMatch(/^db\/demo-links-[0-9a-f]{16}\.txt$/);
    expect(demoLinksFile('libsql://other.example:8080')).not.toBe(remote);
  });
});
