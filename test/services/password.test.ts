import { hashPassword } from 'better-auth/crypto';
import { describe, expect, it } from 'vitest';
import { passwordHasher } from '../../src/services/auth';

describe('password hashing', () => {
  it("is better-auth's own at its own cost, and reads hashes made at another", async () => {
    const standard = passwordHasher();
    const cheap = passwordHasher(1024);
    const made = await standard.hash('correct horse battery');
    expect(made).toMatch(/^[0-9a-f]{32}:[0-9a-f]{128}$/); // better-auth's `salt:key`
    const cheaply = await cheap.hash('correct horse battery');
    expect(cheaply).toMatch(/^n1024\$[0-9a-f]{32}:[0-9a-f]{128}$/);
    // Each reads the other's (a database may hold both kinds).
    for (const [hasher, hash] of [
      [cheap, made],
      [standard, cheaply],
      [cheap, await hashPassword('another password')],
    ] as const) {
      const password = hash === made || hash === cheaply ? 'correct horse battery' : 'another password';
      expect(await hasher.verify({ hash, password })).toBe(true);
      expect(await hasher.verify({ hash, password: `${password}!` })).toBe(false);
    }
  });
});
