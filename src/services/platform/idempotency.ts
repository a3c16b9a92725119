import { createHash, randomBytes } from 'node:crypto';
import { and, eq, lte, min } from 'drizzle-orm';
import { type IdempotencyKeyRow, idempotencyKeys } from '../../../db/schema';
import { type BaseCtx, type Ctx, type Db, writeTransaction } from './context';
import { loadSecrets, seal, shareSecrets, unseal } from './secrets';

/** How long a key's first answer is kept (published in the API reference). */
export const IDEMPOTENCY_KEY_TTL_MS = 24 * 60 * 60 * 1000;
/**
 * How long an in-flight claim holds (only operations that do not run in one transaction with their
 * answer make claims). A retry after that takes the key over: the first attempt is taken to have died.
 */
export const IDEMPOTENCY_LEASE_MS = 30_000;

/** An HTTP answer as it is kept and replayed. */
export type Answer = { status: number; headers: Record<string, string>; body: string };

/** A request that carries a key: under which API key, the key, and the fingerprint of what it asks. */
export type KeyedRequest = { apiKeyId: string; key: string; fingerprint: string };

export type Outcome =
  /** The work ran now; `kept` says whether its answer will be replayed to retries. */
  | { kind: 'answered'; answer: Answer; kept: boolean }
  /** The key already has an answer for this same request. */
  | { kind: 'replay'; answer: Answer }
  /** The key was used for a different request. */
  | { kind: 'reused' }
  /** The first request with this key has not finished yet. */
  | { kind: 'in_flight'; retryAfterMs: number }
  /** The key has an answer that can no longer be read (the installation's secret changed). */
  | { kind: 'unreadable' };

/** SHA-256 over method, path and body: what makes two requests "the same" for one key. */
export function requestFingerprint(method: string, path: string, body: Uint8Array): string {
  return createHash('sha256').update(`${method.toUpperCase()} ${path}\n`).update(body).digest('hex');
}

/**
 * Which answers a retry gets again. Successes and the client's own mistakes are final for that request
 * (the draft: "the result of the previously completed operation, success or an error"); "try later"
 * answers (408, 425, 429) and our own failures (5xx) are not, so those release the key — nothing was
 * written, and the retry runs afresh.
 */
export const keepsAnswer = (status: number) =>
  (status >= 200 && status < 300) || (status >= 400 && status < 500 && ![408, 425, 429].includes(status));

/**
 * Runs `work` at most once per key, in ONE write transaction with the key's answer: the write and the
 * answer commit together or not at all, so a crash can neither double the write nor lose the answer.
 * `work` gets a context bound to that transaction (services it calls nest inside it as savepoints);
 * events it appends wake the live fan-out only once the whole transaction has committed. A concurrent
 * request with the same key waits for the writer lock and then finds the answer, so it gets a replay.
 */
export async function answerOnce(
  ctx: Ctx,
  request: KeyedRequest,
  work: (inTx: Ctx) => Promise<Answer>,
): Promise<Outcome> {
  const { seal: key } = await loadSecrets(ctx.db);
  let appended = false;
  try {
    const outcome = await writeTransaction(
      ctx.db,
      async (tx): Promise<Outcome> => {
        shareSecrets(ctx.db, tx);
        const now = ctx.clock.now();
        const earlier = judge(await find(tx, request), request, now, key);
        if (earlier) return earlier;
        const answer = await work({
          ...ctx,
          db: tx,
          afterCommit: () => {
            appended = true;
          },
        });
        if (!keepsAnswer(answer.status)) throw new Unkept(answer);
        await keep(tx, request, now, answer, key);
        return { kind: 'answered', answer, kept: true };
      },
      ctx.organisationId,
    );
    if (appended) ctx.afterCommit?.();
    return outcome;
  } catch (error) {
    if (error instanceof Unkept) return { kind: 'answered', answer: error.answer, kept: false };
    throw error;
  }
}

/**
 * For work that must not hold the writer lock (an image upload spends its time in sharp): claim the key
 * with a lease, do the work, then keep the answer. A crash between the work's commit and keeping the
 * answer leaves the claim; after the lease a retry does the work again. See docs/decisions/idempotency.md.
 */
export async function answerWithLease(
  ctx: Ctx,
  request: KeyedRequest,
  work: () => Promise<Answer>,
): Promise<Outcome> {
  const { seal: key } = await loadSecrets(ctx.db);
  const owner = randomBytes(12).toString('base64url');
  const claimed = await writeTransaction(
    ctx.db,
    async (tx): Promise<Outcome | null> => {
      const now = ctx.clock.now();
      const earlier = judge(await find(tx, request), request, now, key);
      if (earlier) return earlier;
      await tx
        .insert(idempotencyKeys)
        .values({
          ...identity(request),
          state: 'in_flight',
          leaseOwner: owner,
          leaseUntil: now + IDEMPOTENCY_LEASE_MS,
          createdAt: now,
        })
        .onConflictDoUpdate({
          target: [idempotencyKeys.apiKeyId, idempotencyKeys.key],
          set: {
            fingerprint: request.fingerprint,
            state: 'in_flight',
            leaseOwner: owner,
            leaseUntil: now + IDEMPOTENCY_LEASE_MS,
            status: null,
            answer: null,
            createdAt: now,
          },
        });
      return null;
    },
    ctx.organisationId,
  );
  if (claimed) return claimed;

  let answer: Answer;
  try {
    answer = await work();
  } catch (error) {
    await release(ctx.db, request, owner);
    throw error;
  }
  const kept = keepsAnswer(answer.status);
  if (!kept) {
    await release(ctx.db, request, owner);
    return { kind: 'answered', answer, kept };
  }
  await writeTransaction(
    ctx.db,
    (tx) =>
      tx
        .update(idempotencyKeys)
        .set({ state: 'done', leaseOwner: null, leaseUntil: null, ...sealed(answer, key) })
        .where(and(...matching(request), eq(idempotencyKeys.leaseOwner, owner))),
    ctx.organisationId,
  );
  return { kind: 'answered', answer, kept };
}

/** Deletes keys older than a day (the lookup ignores them already; this keeps the table small). */
export async function sweepIdempotencyKeys({ db, clock }: BaseCtx): Promise<number> {
  const cutoff = clock.now() - IDEMPOTENCY_KEY_TTL_MS;
  // Read before write: with nothing expired no write lock is taken.
  const oldest = await oldestKeyAt(db);
  if (oldest === null || oldest > cutoff) return 0;
  const removed = await writeTransaction(db, (tx) =>
    tx
      .delete(idempotencyKeys)
      .where(lte(idempotencyKeys.createdAt, cutoff))
      .returning({ key: idempotencyKeys.key }),
  );
  return removed.length;
}

/** When the oldest key expires (the next sweep with work), or null when there are none. */
export async function nextSweepAt(db: Db): Promise<number | null> {
  const oldest = await oldestKeyAt(db);
  return oldest === null ? null : oldest + IDEMPOTENCY_KEY_TTL_MS;
}

const oldestKeyAt = async (db: Db) =>
  (await db.select({ at: min(idempotencyKeys.createdAt) }).from(idempotencyKeys))[0]?.at ?? null;

class Unkept extends Error {
  constructor(readonly answer: Answer) {
    super('answer not kept');
  }
}

const identity = (r: KeyedRequest) => ({ apiKeyId: r.apiKeyId, key: r.key, fingerprint: r.fingerprint });

const matching = (r: KeyedRequest) => [
  eq(idempotencyKeys.apiKeyId, r.apiKeyId),
  eq(idempotencyKeys.key, r.key),
];

async function find(db: Db, request: KeyedRequest): Promise<IdempotencyKeyRow | undefined> {
  const [row] = await db
    .select()
    .from(idempotencyKeys)
    .where(and(...matching(request)));
  return row;
}

/** What an earlier use of the key means for this request; null when there is none that counts. */
function judge(row: IdempotencyKeyRow | undefined, request: KeyedRequest, now: number, key: Buffer) {
  if (!row || row.createdAt + IDEMPOTENCY_KEY_TTL_MS <= now) return null;
  if (row.fingerprint !== request.fingerprint) return { kind: 'reused' } as const;
  if (row.state === 'done') {
    const answer = opened(row, key);
    return answer ? ({ kind: 'replay', answer } as const) : ({ kind: 'unreadable' } as const);
  }
  const leaseUntil = row.leaseUntil ?? 0;
  return leaseUntil > now ? ({ kind: 'in_flight', retryAfterMs: leaseUntil - now } as const) : null;
}

async function keep(tx: Db, request: KeyedRequest, now: number, answer: Answer, key: Buffer) {
  const values = { state: 'done' as const, leaseOwner: null, leaseUntil: null, ...sealed(answer, key) };
  await tx
    .insert(idempotencyKeys)
    .values({ ...identity(request), ...values, createdAt: now })
    .onConflictDoUpdate({
      target: [idempotencyKeys.apiKeyId, idempotencyKeys.key],
      set: { fingerprint: request.fingerprint, ...values, createdAt: now },
    });
}

function release(db: Db, request: KeyedRequest, owner: string) {
  return writeTransaction(db, (tx) =>
    tx.delete(idempotencyKeys).where(and(...matching(request), eq(idempotencyKeys.leaseOwner, owner))),
  );
}

/** Answers are sealed at rest: a job's first answer holds its tracker link, an embed token's the token. */
function sealed(answer: Answer, key: Buffer) {
  return {
    status: answer.status,
    answer: seal(key, JSON.stringify({ headers: answer.headers, body: answer.body })),
  };
}

function opened(row: IdempotencyKeyRow, key: Buffer): Answer | null {
  const plain = row.answer && row.status ? unseal(key, row.answer) : null;
  if (!plain) return null;
  const { headers, body } = JSON.parse(plain) as Pick<Answer, 'headers' | 'body'>;
  return { status: row.status as number, headers, body };
}
