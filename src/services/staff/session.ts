import { and, eq } from 'drizzle-orm';
import { organisations, sessions, specialists, users } from '../../../db/schema';
import { ensureRoles, roleCopy } from '../organisation/roles';
import { type Clock, type Ctx, type Db, inTransaction, writeTransaction } from '../platform/context';
import { invalid, rateLimited, ServiceError } from '../platform/errors';
import { accessEnded, appendEvent } from '../platform/events';
import { newId } from '../platform/ids';
import { LIMITS } from '../platform/limits';
import { type Auth, type Client, callAuth, endSessions, findUserByEmail } from './auth';

/** Who is signed in to the console: the person, their organisation and their permission. */
export type Staff = NonNullable<Awaited<ReturnType<typeof loadStaff>>>;

export type SignUpInput = {
  organisationName: string;
  name: string;
  role: string;
  email: string;
  password: string;
  locale: 'nl' | 'en';
};

type Deps = { db: Db; clock: Clock; auth: Auth };

/** Cookies to set on the response, and who was signed in. */
export type Signed = { cookies: string[]; userId: string };

/**
 * Sign-up: a new organisation with its first admin. The identity is created by better-auth; if the
 * organisation cannot be created after it, the identity is removed again, so nothing is half-made.
 */
export async function signUp(deps: Deps, input: SignUpInput, client: Client): Promise<Signed> {
  const email = input.email.trim().toLowerCase();
  if (await findUserByEmail(deps.db, email)) throw invalid('email', 'email_in_use');
  const signed = await authCall(
    deps.auth,
    '/sign-up/email',
    { name: input.name, email, password: input.password },
    client,
  );
  const now = deps.clock.now();
  try {
    await writeTransaction(deps.db, async (tx) => {
      const organisationId = newId('org');
      await tx.insert(organisations).values({
        id: organisationId,
        slug: await freeSlug(tx, input.organisationName),
        name: input.organisationName,
        defaultLocale: input.locale,
        createdAt: now,
      });
      // The first entry of the organisation's list of roles is the one its founder typed.
      const [role] = (await ensureRoles(tx, organisationId, [{ name: input.role }], now)).values();
      if (!role) throw new Error('sign-up made no role');
      await tx.insert(specialists).values({
        id: newId('spec'),
        organisationId,
        name: input.name,
        email,
        ...roleCopy({ translations: {} }, role),
        permission: 'admin',
        userId: signed.userId,
        createdAt: now,
      });
    });
  } catch (error) {
    await deps.db.delete(users).where(eq(users.id, signed.userId));
    throw error;
  }
  return signed;
}

export async function signIn(auth: Auth, input: { email: string; password: string }, client: Client) {
  return authCall(
    auth,
    '/sign-in/email',
    { email: input.email.trim().toLowerCase(), password: input.password, rememberMe: true },
    client,
  );
}

/** The signed-in staff member for a request's cookies, or null. Also returns refreshed session cookies. */
export async function currentStaff(db: Db, auth: Auth, headers: Headers) {
  const { headers: out, response } = await auth.api.getSession({ headers, returnHeaders: true });
  if (!response) return null;
  const staff = await loadStaff(db, response.user.id, response.user.email, response.session.id);
  return staff ? { staff, cookies: out.getSetCookie() } : null;
}

async function loadStaff(db: Db, userId: string, email: string, sessionId: string) {
  const [row] = await db
    .select({ specialist: specialists, organisation: organisations })
    .from(specialists)
    .innerJoin(organisations, eq(organisations.id, specialists.organisationId))
    .where(and(eq(specialists.userId, userId), eq(specialists.active, true)));
  if (!row) return null;
  return {
    userId,
    sessionId,
    email,
    specialist: row.specialist,
    organisation: row.organisation,
    isAdmin: row.specialist.permission === 'admin',
  };
}

/**
 * Whether a session still stands for an active specialist: what a live console stream re-checks once it
 * has joined the hub (a sign-out the log tail had already read would otherwise pass it by).
 */
export async function sessionStands(db: Db, sessionId: string, specialistId: string): Promise<boolean> {
  const expiresAt = await sessionExpiry(db, sessionId, specialistId);
  return expiresAt !== null && expiresAt > Date.now();
}

/**
 * When a session ends by time (better-auth moves it on as it is used), or null when it no longer
 * stands at all (signed out, deactivated): what an open console stream looks at now and then.
 */
export async function sessionExpiry(db: Db, sessionId: string, specialistId: string): Promise<number | null> {
  const [row] = await db
    .select({ expiresAt: sessions.expiresAt })
    .from(sessions)
    .innerJoin(specialists, eq(specialists.userId, sessions.userId))
    .where(and(eq(sessions.id, sessionId), eq(specialists.id, specialistId), eq(specialists.active, true)));
  return row ? row.expiresAt.getTime() : null;
}

/** Ends this session (or, with `everywhere`, every session of the user); returns cookies that clear it. */
export async function signOut(
  db: Db,
  auth: Auth,
  headers: Headers,
  userId: string | null,
  everywhere: boolean,
) {
  if (everywhere && userId) await endSessions(db, userId);
  const { headers: out } = await auth.api
    .signOut({ headers, returnHeaders: true })
    .catch(() => ({ headers: new Headers() }));
  return out.getSetCookie();
}

/**
 * Records in the log that a staff member signed out (one session, or all with `sessionId` null), so
 * their open console streams end in every process.
 */
export async function recordSignOut(ctx: Ctx, specialistId: string, sessionId: string | null) {
  await inTransaction(ctx, (tx) => appendEvent(tx, ctx, accessEnded(specialistId, sessionId)));
}

/** Calls better-auth and turns its answers into ours: cookies, or a ServiceError naming the field. */
export async function authCall(
  auth: Auth,
  path: '/sign-in/email' | '/sign-up/email',
  body: Record<string, unknown>,
  client: Client,
): Promise<Signed> {
  const response = await callAuth(auth, path, body, client);
  refuseIfRateLimited(response);
  const json = (await response.json().catch(() => ({}))) as { code?: string; user?: { id: string } };
  if (response.ok && json.user) return { cookies: response.headers.getSetCookie(), userId: json.user.id };
  if (response.status === 403) throw new ServiceError('forbidden', 'deactivated');
  refusePassword(json.code);
  switch (json.code) {
    case 'INVALID_EMAIL_OR_PASSWORD':
      throw new ServiceError('invalid', 'invalid_credentials', {}, { field: 'password' });
    case 'INVALID_EMAIL':
      throw invalid('email', 'email_expected');
    case 'USER_ALREADY_EXISTS':
    case 'USER_ALREADY_EXISTS_USE_ANOTHER_EMAIL':
      throw invalid('email', 'email_in_use');
    default:
      throw new Error(`auth ${path} answered ${response.status} ${json.code ?? ''}`);
  }
}

/** A URL-friendly, unused slug for a new organisation ("Garage De Boer" → "garage-de-boer"). */
async function freeSlug(db: Db, name: string): Promise<string> {
  const base =
    name
      .normalize('NFKD')
      .replace(/[\u0300-\u036f]/g, '')
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-|-$/g, '')
      .slice(0, 40) || 'organisation';
  for (let n = 1; ; n++) {
    const slug = n === 1 ? base : `${base}-${n}`;
    const [taken] = await db
      .select({ id: organisations.id })
      .from(organisations)
      .where(eq(organisations.slug, slug));
    if (!taken) return slug;
  }
}

/**
 * "Forgot your password?": better-auth makes a one-hour, single-use token and we queue the email
 * (src/services/staff/auth.ts). The answer is the same whether the address has an account or not.
 */
export async function requestPasswordReset(auth: Auth, email: string, client: Client, locale: 'nl' | 'en') {
  const response = await callAuth(
    auth,
    '/request-password-reset',
    { email: email.trim().toLowerCase() },
    client,
    locale,
  );
  refuseIfRateLimited(response);
  // 400 is a malformed address: answered like any other, so nothing is told.
  if (!response.ok && response.status !== 400)
    throw new Error(`auth reset request answered ${response.status}`);
}

/** Sets a new password with a reset token; every session of the user ends. The token works once. */
export async function resetPassword(auth: Auth, token: string, newPassword: string, client: Client) {
  const response = await callAuth(auth, '/reset-password', { token, newPassword }, client);
  refuseIfRateLimited(response);
  if (response.ok) return;
  const json = (await response.json().catch(() => ({}))) as { code?: string };
  refusePassword(json.code);
  switch (json.code) {
    case 'INVALID_TOKEN':
    case 'USER_NOT_FOUND':
      throw new ServiceError('invalid', 'reset_link_invalid');
    default:
      throw new Error(`auth reset answered ${response.status} ${json.code ?? ''}`);
  }
}

/** better-auth's rate limit, answered as ours (429 with its Retry-After). */
function refuseIfRateLimited(response: Response): void {
  if (response.status === 429) {
    throw rateLimited('rate_limited', Number(response.headers.get('x-retry-after') ?? 60));
  }
}

/** better-auth's refusals of a new password, as a field error on `password`. */
function refusePassword(code: string | undefined): void {
  if (code === 'PASSWORD_TOO_SHORT') {
    throw new ServiceError(
      'invalid',
      'password_too_short',
      { min: LIMITS.passwordMin },
      { field: 'password' },
    );
  }
  if (code === 'PASSWORD_TOO_LONG') {
    throw new ServiceError(
      'invalid',
      'password_too_long',
      { max: LIMITS.passwordMax },
      { field: 'password' },
    );
  }
}
