import { and, asc, eq, isNotNull, or } from 'drizzle-orm';
import { jobs, mailMessages, organisations, type Question, questions, specialists } from '../../../db/schema';
import { fill, type Locale } from '../../i18n/messages';
import { threadMailMessages } from '../../i18n/thread-mail';
import { queueMail } from '../../notify/mail/outbox';
import { replyAddress } from '../../notify/mail/reply-address';
import { unsubscribeToken } from '../../notify/mail/unsubscribe';
import { wants } from '../../notify/preferences';
import type { Ctx, Db } from '../platform/context';
import { loadSecrets, unseal } from '../platform/secrets';

/**
 * A staff turn in a thread that came by email (an answer to an emailed question, or a question back to
 * the customer in such a thread) goes back by email, in the same transaction as the turn: threaded
 * under the customer's last email (In-Reply-To, References) so their mail program shows one
 * conversation, with the job's signed reply address as Reply-To so their reply comes back here. Turns
 * from other channels are the customer-moment emails' business (src/notify/mail/customer.ts, which
 * leaves email-channel answers to this module). The tracker shows every turn live either way.
 */

type Settings = { domain: string; replyAddressDays: number; publicUrl: string };
let settings: Settings | null = null;

/** Set by the runtime from the configuration (services do not read the environment). */
export function configureThreadMail(next: Settings): void {
  settings = next;
}

/** An address the outbox takes (src/notify/mail/outbox.ts checks the same shape). */
const MAILABLE = /^[^\s@<>()",;:\\[\]]+@[^\s@<>()",;:\\[\]]+\.[^\s@<>()",;:\\[\]]+$/;

/** Headers of a thread reach no further back than this many messages. */
const MAX_REFERENCES = 20;

export async function afterTurn(tx: Db, ctx: Ctx, turn: Question): Promise<void> {
  if (!settings) return;
  // The team's question waits for the customer: by email too (when they want email about answers),
  // even in a thread begun on the tracker. Other turns go by email here only in an email thread.
  const askingByEmail =
    turn.channel !== 'email' &&
    turn.askedBy === 'specialist' &&
    (await wants(tx, turn.jobId, 'email', 'answer'));
  if (turn.channel !== 'email' && !askingByEmail) return;
  const threadId = turn.threadId ?? turn.id;
  const thread = await tx
    .select()
    .from(questions)
    .where(or(eq(questions.id, threadId), eq(questions.threadId, threadId)))
    .orderBy(asc(questions.askedAt));
  const emailed = thread.filter((q) => q.mailMessageId);
  const last = emailed.at(-1);
  const [job] = await tx.select().from(jobs).where(eq(jobs.id, turn.jobId));
  const recipient = [askingByEmail ? null : last?.mailFrom, job?.customerEmail].find(
    (a) => a && MAILABLE.test(a),
  );
  // No address to write to (or one the outbox would refuse): the tracker still shows the turn.
  if (!job || !recipient) return;
  const [org] = await tx.select().from(organisations).where(eq(organisations.id, job.organisationId));
  if (!org) return;
  const ids = new Set(thread.map((q) => q.id));
  const ours = (
    await tx
      .select({
        messageId: mailMessages.messageId,
        questionId: mailMessages.questionId,
        kind: mailMessages.kind,
      })
      .from(mailMessages)
      .where(and(eq(mailMessages.jobId, job.id), isNotNull(mailMessages.questionId)))
      .orderBy(asc(mailMessages.createdAt))
  )
    // The customer's side of the thread only: a notice to the specialist about it is not in their mailbox.
    .filter((m) => m.questionId && ids.has(m.questionId) && !m.kind.startsWith('staff_'))
    .map((m) => m.messageId);
  const theirs = emailed.flatMap((q) => [...(q.mailReferences?.split(' ') ?? []), q.mailMessageId ?? '']);
  const references = [...new Set([...theirs, ...ours].filter(Boolean))].slice(-MAX_REFERENCES);
  const inReplyTo = last?.mailMessageId ?? undefined;

  const locale: Locale = job.locale ?? org.defaultLocale;
  const t = threadMailMessages[locale];
  const secrets = await loadSecrets(ctx.db);
  const token = job.trackerTokenSealed ? unseal(secrets.seal, job.trackerTokenSealed) : null;
  const trackerUrl = token ? `${settings.publicUrl}/t/${token}` : null;
  const people = turn.answeredById ?? turn.askedById;
  const [who] = people ? await tx.select().from(specialists).where(eq(specialists.id, people)) : [];
  const staffAsks = turn.askedBy === 'specialist';
  const said = staffAsks ? turn.body : (turn.answer ?? '');
  const signature = who ? `${who.name}, ${who.role} · ${org.name}` : org.name;
  const original =
    thread.find((q) => q.mailSubject)?.mailSubject ||
    fill(askingByEmail ? t.askSubject : t.subject, { job: job.title });
  const subject = askingByEmail || /^(re|antw|aw):/i.test(original) ? original : `Re: ${original}`;
  const intro = staffAsks ? t.asks : t.answers;
  const quoted = staffAsks ? null : turn.body;
  const text = [
    fill(intro, { name: who?.name ?? org.name }),
    '',
    said,
    '',
    `— ${signature}`,
    '',
    t.replyHint,
    ...(trackerUrl ? [fill(t.tracker, { url: trackerUrl })] : []),
    ...(quoted ? ['', `${t.yourQuestion}:`, ...quoted.split('\n').map((l) => `> ${l}`)] : []),
  ].join('\n');
  const html = `<!doctype html><html lang="${locale}"><body style="font-family:system-ui,sans-serif;line-height:1.5;color:#111">
<p>${escapeHtml(fill(intro, { name: who?.name ?? org.name }))}</p>
${paragraphs(said)}
<p style="color:#444">— ${escapeHtml(signature)}</p>
<p style="color:#444">${escapeHtml(t.replyHint)}${trackerUrl ? ` <a href="${escapeHtml(trackerUrl)}" style="color:${/^#[0-9a-f]{6}$/i.test(org.brandColor) ? org.brandColor : '#1d4ed8'}">${escapeHtml(t.trackerLink)}</a>` : ''}</p>
${quoted ? `<blockquote style="margin:0;padding-left:1em;border-left:3px solid #ccc;color:#555"><p><strong>${escapeHtml(t.yourQuestion)}</strong></p>${paragraphs(quoted)}</blockquote>` : ''}
</body></html>`;
  await queueMail(
    tx,
    {
      organisationId: org.id,
      recipient,
      locale,
      kind: 'thread_answer',
      subject,
      html,
      text,
      jobId: job.id,
      questionId: turn.id,
      ...(inReplyTo ? { inReplyTo } : {}),
      references: references.filter((r) => r !== inReplyTo),
      replyTo: replyAddress(
        secrets.reply,
        job.id,
        ctx.clock.now(),
        settings.replyAddressDays,
        settings.domain,
      ),
      // Outside a thread the customer started by email, the message is ours to stop (RFC 8058).
      ...(askingByEmail
        ? {
            unsubscribeUrl: `${settings.publicUrl}/mail/unsubscribe/${unsubscribeToken(secrets.reply, job.id)}`,
          }
        : {}),
    },
    ctx.clock.now(),
  );
}

const escapeHtml = (text: string) =>
  text.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c,
  );

const paragraphs = (text: string) =>
  text
    .split(/\n{2,}/)
    .map((p) => `<p>${escapeHtml(p).replace(/\n/g, '<br>')}</p>`)
    .join('\n');
