import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { consoleMessages, translateServiceMessage } from '../../src/i18n/console';

/** Every refusal a service can give, read from the source, so a new one without a translation fails here. */
function serviceRefusals() {
  const dir = join('src', 'services');
  const source = readdirSync(dir)
    .map((f) => readFileSync(join(dir, f), 'utf8'))
    .join('\n');
  const messages = [...source.matchAll(/invalid\(\s*[^,]+,\s*'([^']+)'/g)].map((m) => m[1] as string);
  const codes = [
    ...[...source.matchAll(/conflict\(\s*'([a-z_]+)'/g)].map((m) => m[1] as string),
    ...[...source.matchAll(/new ServiceError\(\s*'[a-z_]+',\s*'([a-z_]+)'/g)].map((m) => m[1] as string),
  ].filter((code) => code !== 'invalid_input');
  return { messages: [...new Set(messages)], codes: [...new Set(codes)] };
}

describe('console translations', () => {
  it("turns every service refusal into the reader's language, Dutch and English", () => {
    const { messages, codes } = serviceRefusals();
    expect(messages.length).toBeGreaterThan(15);
    expect(codes.length).toBeGreaterThan(10);
    for (const locale of ['nl', 'en'] as const) {
      const t = consoleMessages[locale];
      const fallback = (reason: string) => t.service.fallback.replace('{reason}', reason);
      for (const message of messages) {
        expect(translateServiceMessage(t, 'invalid_input', message), `${locale}: ${message}`).not.toBe(
          fallback(message),
        );
      }
      for (const code of codes) {
        expect(translateServiceMessage(t, code, '?'), `${locale}: ${code}`).not.toBe(fallback('?'));
      }
    }
  });
});
