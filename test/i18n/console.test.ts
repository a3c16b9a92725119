import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ERRORS, type ErrorCode, errorText, isErrorCode, RESOURCES } from '../../src/errors/catalogue';
import { STATUS } from '../../src/errors/status';
import { conflict, invalid, notFound, ServiceError } from '../../src/services/platform/errors';

const sourceFiles = (dir: string): string[] =>
  readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? sourceFiles(path) : /\.(ts|tsx|astro)$/.test(name) ? [path] : [];
  });

/** Every code thrown or named as a form message anywhere in src, read from the source. */
function codesInSource() {
  const source = sourceFiles('src')
    .map((f) => readFileSync(f, 'utf8'))
    .join('\n');
  return {
    source,
    codes: [
      ...[...source.matchAll(/invalid\(\s*[^,]+,\s*'([^']+)'/g)].map((m) => m[1] as string),
      ...[...source.matchAll(/(?:conflict|rateLimited)\(\s*'([^']+)'/g)].map((m) => m[1] as string),
      ...[...source.matchAll(/new ServiceError\(\s*'[a-z_]+',\s*'([^']+)'/g)].map((m) => m[1] as string),
      ...[...source.matchAll(/errorText\(\s*'([^']+)'/g)].map((m) => m[1] as string),
    ],
  };
}

describe('the error catalogue', () => {
  it('has a Dutch and an English message for every code, with the same parameters', () => {
    for (const [code, entry] of Object.entries(ERRORS)) {
      expect(entry.en, code).toMatch(/\S/);
      expect(entry.nl, code).toMatch(/\S/);
      const names = (s: string) => new Set([...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]));
      // Dutch may leave a parameter out (an English status word), never ask for one English lacks.
      for (const name of names(entry.nl)) expect(names(entry.en), `${code}: {${name}}`).toContain(name);
      expect(STATUS[entry.kind], code).toBeGreaterThanOrEqual(400);
    }
    for (const [what, names] of Object.entries(RESOURCES))
      expect([names.en, names.nl], what).not.toContain('');
  });

  it('knows every code the code base throws or shows (no sentence is thrown, no code is missing)', () => {
    const { source, codes } = codesInSource();
    expect(new Set(codes).size).toBeGreaterThan(40);
    for (const code of codes) expect(isErrorCode(code), code).toBe(true);
    // Gone for good: translating a refusal by matching its English text.
    expect(source).not.toMatch(/byMessage|'msg:|startsWith\('at most/);
  });

  it('fills parameters with Intl in the reader’s language and names the field for the API', () => {
    const long = invalid('body', 'too_long', { max: 10_000 });
    expect([long.code, long.details, long.message]).toEqual([
      'invalid_input',
      { field: 'body' },
      'body: At most 10,000 characters.',
    ]);
    expect(long.messageIn('nl')).toBe('Hoogstens 10.000 tekens.');
    expect(notFound('cost line').messageIn('nl')).toContain('kostenregel');
    expect(notFound('cost line').message).toContain('cost line');
    const closed = conflict('job_closed', { status: 'cancelled' }, { status: 'cancelled' });
    expect([closed.kind, closed.code, closed.details]).toEqual([
      'conflict',
      'job_closed',
      { status: 'cancelled' },
    ]);
    expect(closed.message).toContain('cancelled');
    expect(errorText('period_too_long' satisfies ErrorCode, { max: 366 }, 'en')).toBe(
      'A period is at most 366 days.',
    );
    // The kind given must be the catalogue's: a mismatch is a programming error, caught at once.
    expect(() => new ServiceError('invalid' as never, 'job_closed' as never)).toThrow(/conflict/);
  });
});
