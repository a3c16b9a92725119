import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { SeedReport } from './seed';

/**
 * API keys exist in plaintext only when they are made, so what `npm start` printed about a database's
 * demo data is kept in a file of that database's own: beside an embedded database file, or in db/
 * under a name taken from the URL's hash for a database server. Servers on other databases from the
 * same clone never overwrite it. Null for an in-memory database.
 */
export function demoLinksFile(databaseUrl: string): string | null {
  if (databaseUrl.startsWith('file:')) {
    const bare = databaseUrl.split('?')[0] ?? databaseUrl;
    const path = bare.startsWith('file://') ? fileURLToPath(bare) : bare.slice('file:'.length);
    if (!path || path === ':memory:') return null;
    return `${path.replace(/\.(db|sqlite3?)$/, '')}.demo-links.txt`;
  }
  if (databaseUrl === ':memory:') return null;
  const id = createHash('sha256').update(databaseUrl).digest('hex').slice(0, 16);
  return `db/demo-links-${id}.txt`;
}

const header = (databaseUrl: string) => `Demo data for ${databaseUrl}`;

/** What is printed after seeding, and kept. */
export function demoText(
  report: SeedReport,
  options: { databaseUrl: string; url: string; password: string; file: string | null },
): string {
  const lines = report.organisations.flatMap((org) => [
    `\n${org.name}  (API key: ${org.apiKey})`,
    `  Console: ${org.staff.map((s) => `${s.email}${s.permission === 'specialist' ? '' : ` (${s.permission.replace('_', ' ')})`}`).join(', ')}`,
    ...org.trackers.map((tr) => `  ${tr.reference.padEnd(16)} ${tr.url}   ${tr.title}`),
  ]);
  const kept = options.file ? `; also kept in ${options.file}` : '';
  return (
    `${header(options.databaseUrl)} (API keys are shown once${kept}).\n` +
    `Sign in to ${options.url}/console/ as any person below with the password "${options.password}".` +
    `${lines.join('\n')}\n`
  );
}

/** Keeps the text for this database (a server database's URL may carry a password: the file is 0600). */
export function keepDemoText(file: string, text: string): void {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, text, { mode: 0o600 });
}

/**
 * What was kept for this database, if anything. Before files were per database, the default database's
 * text lived in db/demo-links.txt; it is still read when it names this database.
 */
export function keptDemoText(databaseUrl: string): string | null {
  for (const file of [demoLinksFile(databaseUrl), 'db/demo-links.txt']) {
    if (!file || !existsSync(file)) continue;
    const text = readFileSync(file, 'utf8');
    if (text.startsWith(`${header(databaseUrl)} `)) return text;
  }
  return null;
}

/** The first API key in a demo text, for an example that runs as pasted. */
export function firstApiKey(text: string | null): string | null {
  return text ? (/\(API key: (\S+)\)/.exec(text)?.[1] ?? null) : null;
}

/** A command to try the API: with a real demo key when there is one. */
export function tryApiCommand(url: string, apiKey: string | null): string {
  return apiKey
    ? `Try:  curl -H "Authorization: Bearer ${apiKey}" ${url}/api/v1/jobs`
    : `Try:  npm run key:create -- <organisation slug>   (makes an API key for ${url}/api/v1)`;
}
