import { describe, expect, it } from 'vitest';
import { passwordHasher } from '../../src/services/staff/auth';

describe('password hashing', () => {
  it("is better-auth's own at its own cost, and reads hashes made at another", async () => {
    const standard = passwordHasher();
    const cheap = passwordHasher(1024);
    const made = await standard.hash('correct horse battery');
    expect(made).toMatch(/^[0-9a-f]{32}:[0-9a-f]{128}$/); // better-auth's `salt:key`
    const cheaply = await cheap.hash('correct horse battery');
    expect(cheaply).toMatch(/^n1024\$[0-9a-f]{32}:[0-9a-f]{128}$/);
    // Each reads the other's: a database may hold both kinds.
    for (const [hasher, hash] of [
      [cheap, made],
      [standard, cheaply],
    ] as const) {
      expect(await hasher.verify({ hash, password: 'correct horse battery' })).toBe(true);
      expect(await hasher.verify({ hash, password: 'correct horse batterY' })).toBe(false);
    }
  });
});
