import { and, eq, inArray, or } from 'drizzle-orm';
import { jobs, mailMessages, type Question, questions } from '../../../db/schema';
import { INBOUND_LIMITS, type InboundMail, parseInboundMail } from '../../notify/mail/inbound-parse';
import { readReplyAddress } from '../../notify/mail/reply-address';
import type { Clock, Ctx, Db } from '../platform/context';
import { conflict, invalid, rateLimited, ServiceError } from '../platform/errors';
import { type ProcessedImage, processImage } from '../platform/media';
import { hit } from '../platform/rate-limit';
import { replyToTeam } from './conversations';
import { askQuestion } from './questions';

/**
 * A customer's reply to one of our messages, however it arrived (the SMTP listener, or a provider
 * posting the raw message): its reply address names the job; the message becomes a question on that
 * job (channel `email`), a follow-up in the thread it answers, or the customer's reply to a question
 * the team asked. Everything is checked before anything is written, and the question with its photos
 * is one transaction: a refused message leaves nothing behind (a sender's rate count aside).
 */

export type InboundDeps = {
  db: Db;
  clock: Clock;
  /** Signs reply addresses (services/secrets.ts `reply`). */
  replyKey: Buffer;
  /** Our reply addresses' domain. */
  domain: string;
  afterCommit?: () => void;
};

export type Received = {
  outcome: 'question' | 'follow_up' | 'reply' | 'duplicate' | 'ignored';
  jobId: string;
  /** Null when ignored. */
  questionId: string | null;
};

/** The job a reply address is for; refused when it is not one of ours, forged or expired. */
export function jobOfAddress(deps: InboundDeps, address: string): string {
  const read = readReplyAddress(deps.replyKey, address, deps.clock.now(), deps.domain);
  if (read.ok) return read.jobId;
  if (read.problem === 'forged') throw new ServiceError('forbidden', 'reply_address_forged');
  if (read.problem === 'expired') throw invalid('to', 'reply_address_expired');
  throw new ServiceError('not_found', 'reply_address_unknown');
}

/** A job's status, whichever organisation's (the reply address was checked already); null if none. */
export async function jobStatus(db: Db, jobId: string): Promise<string | null> {
  const [row] = await db.select({ status: jobs.status }).from(jobs).where(eq(jobs.id, jobId));
  return row?.status ?? null;
}

const isReplyAddress = (address: string) => /^reply\+/i.test(address.trim());

/**
 * Receives one raw RFC 5322 message. `envelope.to`: the recipients the transport named (SMTP RCPT TO,
 * a provider's envelope); without it the message's own delivery, To and Cc headers are read.
 */
export async function receiveMail(
  deps: InboundDeps,
  raw: Buffer,
  envelope: { from?: string | null; to?: string[] } = {},
): Promise<Received> {
  if (raw.byteLength > INBOUND_LIMITS.bytes) {
    throw invalid('message', 'mail_too_large', { mb: INBOUND_LIMITS.bytes / 1024 / 1024 });
  }
  const parsed = await parseInboundMail(raw);
  if (!parsed.ok) {
    throw parsed.problem === 'too_many_attachments'
      ? invalid('message', 'too_many_attachments', { max: INBOUND_LIMITS.attachments })
      : invalid('message', 'mail_unreadable');
  }
  const mail = parsed.mail;
  const candidates = (envelope.to?.length ? envelope.to : mail.recipients).filter(isReplyAddress);
  const address = candidates[0];
  if (!address) throw new ServiceError('not_found', 'reply_address_unknown');
  const jobId = jobOfAddress(deps, address);

  const [job] = await deps.db.select().from(jobs).where(eq(jobs.id, jobId));
  if (!job) throw new ServiceError('not_found', 'reply_address_unknown');
  const ctx: Ctx = {
    db: deps.db,
    clock: deps.clock,
    organisationId: job.organisationId,
    actor: { type: 'system', id: null },
    ...(deps.afterCommit ? { afterCommit: deps.afterCommit } : {}),
  };
  if (job.status !== 'open') throw conflict('job_closed', { status: job.status }, { status: job.status });

  // An out-of-office reply to our answer, a list, a bounce: taken (so the sender does not retry) and dropped.
  if (mail.automatic) return { outcome: 'ignored', jobId, questionId: null };
  const duplicate = await storedAlready(deps.db, jobId, mail.messageId);
  if (duplicate) return { outcome: 'duplicate', jobId, questionId: duplicate.id };

  const sender = (envelope.from || mail.from).toLowerCase();
  const verdict = await hit(
    deps.db,
    `mail:${sender}`,
    { max: INBOUND_LIMITS.perSenderPerHour, windowMs: 3_600_000 },
    deps.clock.now(),
  );
  if (!verdict.allowed) throw rateLimited('too_many_mails', Math.ceil(verdict.retryAfterMs / 1000));

  const images = await processImages(mail);
  if (!mail.text && images.length === 0) throw invalid('message', 'mail_empty');
  // Photos alone still make a message: it says so in words the staff can answer.
  const body = mail.text || '📷';
  const turn = await referencedTurn(deps.db, jobId, mail.references);
  const from = {
    messageId: mail.messageId,
    references: mail.references,
    from: mail.from,
    subject: mail.subject,
  };
  try {
    if (turn && turn.askedBy === 'specialist' && !turn.answeredAt) {
      const reply = await replyToTeam(ctx, jobId, turn.id, { body, channel: 'email', images, mail: from });
      return { outcome: 'reply', jobId, questionId: reply.id };
    }
    const question = await askQuestion(ctx, jobId, {
      body,
      channel: 'email',
      threadId: turn?.id ?? null,
      images,
      mail: from,
    });
    return { outcome: turn ? 'follow_up' : 'question', jobId, questionId: question.id };
  } catch (error) {
    // The same message delivered twice at once: the second insert meets the unique index.
    const again = await storedAlready(deps.db, jobId, mail.messageId);
    if (again) return { outcome: 'duplicate', jobId, questionId: again.id };
    throw error;
  }
}

async function storedAlready(db: Db, jobId: string, messageId: string) {
  const [row] = await db
    .select({ id: questions.id })
    .from(questions)
    .where(and(eq(questions.jobId, jobId), eq(questions.mailMessageId, messageId)));
  return row ?? null;
}

/** Images through the photo pipeline (turned upright, resized, stripped of metadata); unreadable ones are left out. */
async function processImages(mail: InboundMail): Promise<ProcessedImage[]> {
  const kept: ProcessedImage[] = [];
  for (const image of mail.images) {
    try {
      kept.push(await processImage('attachments', image.content, 'photo'));
    } catch (error) {
      if (!(error instanceof ServiceError)) throw error;
    }
  }
  return kept;
}

/**
 * The turn an email answers: the first of its references (In-Reply-To, then References newest first)
 * that is a message we sent about a turn of this job (the outbox keeps their Message-IDs) or the
 * customer's own earlier email. A reference to another job's turn counts for nothing: only the signed
 * reply address says which job a message is for.
 */
export async function referencedTurn(db: Db, jobId: string, references: string[]): Promise<Question | null> {
  if (references.length === 0) return null;
  const refs = references.slice(0, 50);
  const sent = await db
    .select({ messageId: mailMessages.messageId, questionId: mailMessages.questionId })
    .from(mailMessages)
    .where(and(eq(mailMessages.jobId, jobId), inArray(mailMessages.messageId, refs)));
  const turnOfSent = new Map(sent.flatMap((m) => (m.questionId ? [[m.messageId, m.questionId]] : [])));
  const rows = await db
    .select()
    .from(questions)
    .where(
      and(
        eq(questions.jobId, jobId),
        turnOfSent.size > 0
          ? or(inArray(questions.mailMessageId, refs), inArray(questions.id, [...turnOfSent.values()]))
          : inArray(questions.mailMessageId, refs),
      ),
    );
  for (const ref of refs) {
    const found = rows.find((r) => r.mailMessageId === ref || r.id === turnOfSent.get(ref));
    if (found) return found;
  }
  return null;
}
