import { createHash } from 'node:crypto';
import { eq, inArray } from 'drizzle-orm';
import { type EventRow, jobs, organisations } from '../../db/schema';
import { consoleMessages } from '../i18n/console';
import { fill, messages } from '../i18n/messages';
import { type Clock, type Db, writeTransaction } from '../services/context';
import { forgetSubscription, subscriptionsFor } from '../services/push';
import { loadSecrets, unseal } from '../services/secrets';
import { nextEvents } from './log-cursor';
import type { PushSender } from './push';

type Payload = {
  step?: { title?: string };
  question?: { body?: string };
  costLine?: { state?: string; description?: string; specialistId?: string | null };
  assigneeId?: string | null;
};

/** What a customer hears about: the events they would want to be told of when the page is closed. */
function customerKey(e: EventRow): keyof (typeof messages)['en']['tracker']['announce'] | null {
  if (e.visibility !== 'customer') return null;
  const p = e.payload as Payload;
  if (e.type.startsWith('cost_line.') && p.costLine?.state === 'awaiting_approval') return 'approval';
  // A re-plan moves several promises for one cause: the customer hears about the cause once.
  if (e.type === 'step.promise_changed' && (e.payload as { cause?: unknown }).cause) return null;
  return (
    (
      {
        'step.started': 'started',
        'step.finished': 'finished',
        'step.promise_changed': 'promise',
        'question.answered': 'answered',
        'job.completed': 'completed',
      } as const
    )[e.type] ?? null
  );
}

/** Who on the staff hears about an event: the specialist a question is for, or whose extra work was decided. */
function staffRecipient(e: EventRow): string | null {
  const p = e.payload as Payload;
  if (e.type === 'question.asked' || e.type === 'question.moved') return p.assigneeId ?? null;
  if (e.type === 'cost_line.approved' || e.type === 'cost_line.declined')
    return p.costLine?.specialistId ?? null;
  return null;
}

/**
 * Web push for new events: customers who pressed "notify me" hear when a step starts or finishes, a
 * promise moves, an answer arrives or their approval is needed; specialists when a question or a
 * decision reaches them. Subscriptions the push service calls gone (404, 410) are deleted. Push is
 * best effort: the log is read once (a cursor in the database, one process at a time).
 */
export async function sendPushForNewEvents(
  db: Db,
  clock: Clock,
  sender: PushSender,
  publicUrl: string,
): Promise<number> {
  const rows = await writeTransaction(db, async (tx) => {
    const next = await nextEvents(tx, 'push', clock.now(), 200);
    if (!next) return [];
    await next.advance();
    return next.rows;
  });
  const wanted = rows.filter((e) => customerKey(e) || staffRecipient(e));
  if (wanted.length === 0) return 0;
  const jobIds = [...new Set(wanted.map((e) => e.jobId))];
  const [jobRows, subs, secrets] = await Promise.all([
    db
      .select({ job: jobs, orgName: organisations.name })
      .from(jobs)
      .innerJoin(organisations, eq(organisations.id, jobs.organisationId))
      .where(inArray(jobs.id, jobIds)),
    subscriptionsFor(
      db,
      jobIds,
      wanted.flatMap((e) => staffRecipient(e) ?? []),
    ),
    loadSecrets(db),
  ]);
  const byJob = new Map(jobRows.map((r) => [r.job.id, r]));
  let sent = 0;
  for (const event of wanted) {
    const found = byJob.get(event.jobId);
    if (!found) continue;
    const p = event.payload as Payload;
    const key = customerKey(event);
    const staffId = staffRecipient(event);
    const token = found.job.trackerTokenSealed ? unseal(secrets.seal, found.job.trackerTokenSealed) : null;
    for (const sub of subs) {
      let body: string | null = null;
      let url = '';
      if (key && sub.jobId === event.jobId && token) {
        const t = messages[sub.locale].tracker;
        body = fill(t.announce[key], { step: p.step?.title ?? '', name: '' });
        url = `${publicUrl}/t/${token}`;
      } else if (staffId && sub.specialistId === staffId) {
        const t = consoleMessages[sub.locale].push;
        body = event.type.startsWith('question.')
          ? fill(t.question, { job: found.job.reference, text: (p.question?.body ?? '').slice(0, 200) })
          : fill(event.type === 'cost_line.approved' ? t.approved : t.declined, {
              job: found.job.reference,
              item: p.costLine?.description ?? '',
            });
        url = `${publicUrl}/console/jobs/${event.jobId}`;
      }
      if (!body) continue;
      const result = await sender.send(
        { endpoint: sub.endpoint, p256dh: sub.p256dh, auth: sub.auth },
        { title: found.orgName, body, url, tag: event.jobId },
        { topic: createHash('sha256').update(event.jobId).digest('base64url').slice(0, 32) },
      );
      if ('status' in result && (result.status === 404 || result.status === 410)) {
        await forgetSubscription(db, sub.id);
      } else if ('status' in result && result.status < 300) {
        sent++;
      }
    }
  }
  return sent;
}
