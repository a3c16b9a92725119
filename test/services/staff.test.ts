import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { organisations, sessions, specialists, users } from '../../db/schema';
import type { ServiceError } from '../../src/services/platform/errors';
import { currentStaff, signIn, signOut, signUp } from '../../src/services/staff/session';
import { refusal, testRuntime } from '../helpers';

const rt = await testRuntime();
const deps = { db: rt.database.db, clock: rt.clock, auth: rt.auth };
const client = (ip = '203.0.113.7') => ({ ip, userAgent: 'vitest' });
const cookieHeader = (cookies: string[]) =>
  new Headers({ cookie: cookies.map((c) => c.split(';')[0]).join('; ') });

const input = (email: string) => ({
  organisationName: 'Garage Één & Zonen',
  name: 'Jan de Boer',
  role: 'Eigenaar',
  email,
  password: 'correct horse battery',
  locale: 'nl' as const,
});

describe('sign-up', () => {
  it('creates the organisation, its first admin and a session', async () => {
    const { cookies, userId } = await signUp(deps, input('Jan@Example.NL '), client());
    const found = await currentStaff(rt.database.db, rt.auth, cookieHeader(cookies));
    expect(found?.staff.email).toBe('jan@example.nl');
    expect(found?.staff.isAdmin).toBe(true);
    expect(found?.staff.organisation.name).toBe('Garage Één & Zonen');
    expect(found?.staff.organisation.slug).toBe('garage-een-zonen');
    expect(found?.staff.specialist.userId).toBe(userId);
    const [account] = await rt.database.db.select().from(users).where(eq(users.id, userId));
    expect(account?.email).toBe('jan@example.nl');
  });

  it('refuses an email that already has an account, naming the field', async () => {
    await signUp(deps, input('twice@example.nl'), client());
    const error = await refusal(signUp(deps, { ...input('TWICE@example.nl') }, client()));
    expect(error.details).toEqual({ field: 'email' });
  });

  it('refuses a short password and leaves nothing behind', async () => {
    const before = await rt.database.db.select().from(organisations);
    const error = await refusal(signUp(deps, { ...input('short@example.nl'), password: 'short' }, client()));
    expect(error.details).toEqual({ field: 'password' });
    expect(await rt.database.db.select().from(users).where(eq(users.email, 'short@example.nl'))).toEqual([]);
    expect(await rt.database.db.select().from(organisations)).toHaveLength(before.length);
  });
});

describe('sign-in', () => {
  it('signs in with the right password, not with a wrong one', async () => {
    await signUp(deps, input('in@example.nl'), client());
    const ok = await signIn(
      rt.auth,
      { email: 'IN@example.nl', password: 'correct horse battery' },
      client('198.51.100.1'),
    );
    expect(ok.cookies.join()).toMatch(/ok\.session_token=/);
    const wrong = await refusal(
      signIn(rt.auth, { email: 'in@example.nl', password: 'wrong password!' }, client('198.51.100.1')),
    );
    expect(wrong.code).toBe('invalid_credentials');
  });

  it('is rate-limited per client address: the sixth attempt in a minute is refused', async () => {
    const attempt = (ip: string) =>
      signIn(rt.auth, { email: 'nobody@example.nl', password: 'whatever123' }, client(ip)).catch(
        (e: ServiceError) => e.code,
      );
    const codes = [];
    for (let i = 0; i < 6; i++) codes.push(await attempt('192.0.2.55'));
    expect(codes.slice(0, 5)).toEqual(Array(5).fill('invalid_credentials'));
    expect(codes[5]).toBe('rate_limited');
    // Another address is not affected.
    expect(await attempt('192.0.2.56')).toBe('invalid_credentials');
  });

  it('refuses a deactivated specialist, and sign-out everywhere ends every session', async () => {
    const { cookies, userId } = await signUp(deps, input('gone@example.nl'), client());
    const second = await signIn(
      rt.auth,
      { email: 'gone@example.nl', password: 'correct horse battery' },
      client('198.51.100.9'),
    );
    expect(await rt.database.db.select().from(sessions).where(eq(sessions.userId, userId))).toHaveLength(2);

    const cleared = await signOut(rt.database.db, rt.auth, cookieHeader(cookies), userId, true);
    expect(cleared.join()).toMatch(/ok\.session_token=;/);
    expect(await rt.database.db.select().from(sessions).where(eq(sessions.userId, userId))).toEqual([]);
    expect(await currentStaff(rt.database.db, rt.auth, cookieHeader(second.cookies))).toBeNull();

    await rt.database.db.update(specialists).set({ active: false }).where(eq(specialists.userId, userId));
    const refused = await refusal(
      signIn(
        rt.auth,
        { email: 'gone@example.nl', password: 'correct horse battery' },
        client('198.51.100.10'),
      ),
    );
    expect(refused.code).toBe('deactivated');
  });
});
