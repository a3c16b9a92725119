import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto';
import { APIError, betterAuth } from 'better-auth';
import { drizzleAdapter } from 'better-auth/adapters/drizzle';
import { hashPassword, verifyPassword } from 'better-auth/crypto';
import { and, eq } from 'drizzle-orm';
import { onPostgres } from '../../../db/dialect';
import { accounts, rateLimits, sessions, specialists, users, verifications } from '../../../db/schema';
import { log } from '../../log';
import { queuePasswordReset } from '../../notify/mail/staff-mail';
import { type Db, writeTransaction } from '../platform/context';
import { accessEnded, appendEvent } from '../platform/events';

/** The client as the server saw it: rate limits key on the address taken from the socket. */
export type Client = { ip: string; userAgent: string };

const CLIENT_IP_HEADER = 'x-ok-client-ip';
/** The console language of the page that called (the reset email is written in it). */
const LOCALE_HEADER = 'x-ok-locale';

/**
 * Identity and sessions, by better-auth: scrypt password hashes (memory-hard), session cookies,
 * rate limits kept in the database (so they hold across processes). Who a user is in an
 * organisation lives on `specialists`; a deactivated specialist gets no session.
 *
 * Its HTTP handler is not exposed: our own pages call it (see `callAuth`), so the client address it
 * rate-limits on is the one we put in, never a header a client chose. Cross-site requests are
 * refused before any page runs (src/fetch.ts), which is why its own CSRF check is off.
 */
export function createAuth(db: Db, options: { baseURL: string; secret: string; passwordHashCost?: number }) {
  return betterAuth({
    baseURL: options.baseURL,
    secret: options.secret,
    basePath: '/api/auth',
    telemetry: { enabled: false },
    logger: { level: 'error' },
    database: drizzleAdapter(db, {
      provider: onPostgres() ? 'pg' : 'sqlite',
      schema: { users, sessions, accounts, verifications, rateLimits },
    }),
    user: { modelName: 'users' },
    account: { modelName: 'accounts' },
    verification: { modelName: 'verifications' },
    session: { modelName: 'sessions', expiresIn: 60 * 60 * 24 * 14, updateAge: 60 * 60 * 24 },
    emailAndPassword: {
      enabled: true,
      minPasswordLength: 10,
      maxPasswordLength: 128,
      autoSignIn: true,
      password: passwordHasher(options.passwordHashCost),
      resetPasswordTokenExpiresIn: 3600,
      revokeSessionsOnPasswordReset: true,
      // Queued without awaiting, so an address with an account answers as fast as one without.
      sendResetPassword: async ({ user, token }, request) => {
        const locale = request?.headers.get(LOCALE_HEADER) === 'nl' ? 'nl' : 'en';
        void queuePasswordReset(db, {
          userId: user.id,
          email: user.email,
          name: user.name,
          token,
          locale,
          publicUrl: options.baseURL,
          now: Date.now(),
        }).catch((error) => log.error({ err: error }, 'password reset: queueing the email failed'));
      },
      // Every session ended: open console streams end too (the log tells every process).
      onPasswordReset: async ({ user }) => {
        await writeTransaction(db, async (tx) => {
          const [member] = await tx
            .select({ id: specialists.id, organisationId: specialists.organisationId })
            .from(specialists)
            .where(eq(specialists.userId, user.id));
          if (!member) return;
          const ctx = {
            db: tx,
            clock: { now: () => Date.now() },
            organisationId: member.organisationId,
            actor: { type: 'specialist' as const, id: member.id },
          };
          await appendEvent(tx, ctx, accessEnded(member.id, null));
        });
      },
    },
    rateLimit: {
      enabled: true,
      storage: 'database',
      modelName: 'rateLimits',
      window: 60,
      max: 60,
      customRules: {
        '/sign-in/email': { window: 60, max: 5 },
        '/sign-up/email': { window: 3600, max: 10 },
        '/request-password-reset': { window: 900, max: 5 },
        '/reset-password': { window: 900, max: 10 },
      },
    },
    advanced: {
      cookiePrefix: 'ok',
      ipAddress: { ipAddressHeaders: [CLIENT_IP_HEADER] },
      disableCSRFCheck: true,
    },
    databaseHooks: {
      session: {
        create: {
          before: async (session) => {
            const [member] = await db
              .select({ active: specialists.active })
              .from(specialists)
              .where(eq(specialists.userId, session.userId));
            if (member && !member.active) throw new APIError('FORBIDDEN', { message: 'deactivated' });
          },
        },
      },
    },
  });
}

export type Auth = ReturnType<typeof createAuth>;

/** better-auth's scrypt cost (N); its hashes are `salt:key`. */
export const DEFAULT_PASSWORD_HASH_COST = 16384;

/**
 * Password hashing. At better-auth's own cost it is better-auth's hashing, unchanged. Another cost
 * (config PASSWORD_HASH_COST, which the tests lower) writes hashes that name it, `n<cost>$salt:key`;
 * verifying reads either kind, so one database may hold both.
 */
export function passwordHasher(cost = DEFAULT_PASSWORD_HASH_COST) {
  return {
    hash: (password: string) =>
      cost === DEFAULT_PASSWORD_HASH_COST ? hashPassword(password) : scryptHash(password, cost),
    verify: async ({ hash, password }: { hash: string; password: string }) => {
      const costed = /^n(\d+)\$([0-9a-f]+):([0-9a-f]+)$/.exec(hash);
      if (!costed) return verifyPassword({ hash, password });
      const [, n, salt, key] = costed as unknown as [string, string, string, string];
      const expected = Buffer.from(key, 'hex');
      const actual = await scryptKey(password, salt, Number(n));
      return actual.length === expected.length && timingSafeEqual(actual, expected);
    },
  };
}

async function scryptHash(password: string, cost: number) {
  const salt = randomBytes(16).toString('hex');
  return `n${cost}$${salt}:${(await scryptKey(password, salt, cost)).toString('hex')}`;
}

/** better-auth's parameters (r 16, p 1, 64 bytes, NFKC), at the cost given. */
function scryptKey(password: string, salt: string, cost: number): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    scrypt(
      password.normalize('NFKC'),
      salt,
      64,
      { N: cost, r: 16, p: 1, maxmem: 128 * cost * 16 * 2 },
      (error, key) => (error ? reject(error) : resolve(key)),
    ),
  );
}

/** Sends one request through better-auth's router (where its rate limits apply). */
export function callAuth(
  auth: Auth,
  path: '/sign-in/email' | '/sign-up/email' | '/request-password-reset' | '/reset-password',
  body: Record<string, unknown>,
  client: Client,
  locale: 'nl' | 'en' = 'en',
): Promise<Response> {
  const url = new URL(`${auth.options.basePath}${path}`, auth.options.baseURL as string);
  return auth.handler(
    new Request(url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        [CLIENT_IP_HEADER]: client.ip,
        [LOCALE_HEADER]: locale,
        'user-agent': client.userAgent.slice(0, 300),
      },
      body: JSON.stringify(body),
    }),
  );
}

/** Ends every session of a user (deactivation, "sign out everywhere"). */
export async function endSessions(db: Db, userId: string): Promise<void> {
  await db.delete(sessions).where(eq(sessions.userId, userId));
}

/** The user behind an email address, if any (emails are stored lower-case). */
export async function findUserByEmail(db: Db, email: string) {
  const [user] = await db
    .select()
    .from(users)
    .where(and(eq(users.email, email.trim().toLowerCase())));
  return user ?? null;
}
