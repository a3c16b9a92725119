import { createHash } from 'node:crypto';
import { eq, inArray } from 'drizzle-orm';
import { jobs, organisations } from '../../db/schema';
import { type Announcement, announcementOf } from '../events/announce';
import { type LogEvent, readEvent } from '../events/catalogue';
import { consoleMessages } from '../i18n/console';
import { localText } from '../i18n/content';
import { fill, messages } from '../i18n/messages';
import { type Clock, cursorTransaction, type Db } from '../services/platform/context';
import { loadSecrets, unseal } from '../services/platform/secrets';
import { cursorHasWork, nextEvents } from './log-cursor';
import { declined, kindOfAnnouncement } from './preferences';
import type { PushSender } from './push';
import { forgetSubscription, subscriptionsFor } from './push-subscriptions';

/** What a customer hears about when the page is closed: the announcements the catalogue marks for push. */
function customerKey(e: LogEvent): Announcement | null {
  if (e.visibility !== 'customer') return null;
  // A re-plan moves several promises for one cause: the customer hears about the cause once.
  if (e.type === 'step.promise_changed' && e.payload.cause) return null;
  const said = announcementOf(e.type, e.payload as { costLine?: { state: string } });
  return said?.push ? said.say : null;
}

/** Who on the staff hears about an event: the specialist a question is for, or whose extra work was decided. */
function staffRecipient(e: LogEvent): string | null {
  switch (e.type) {
    case 'question.asked':
    case 'question.moved':
    case 'question.replied':
      return e.payload.assigneeId;
    case 'cost_line.approved':
    case 'cost_line.declined':
      return e.payload.specialistId;
    default:
      return null;
  }
}

/** The staff member's line: who asks what, or which extra work was decided. */
function staffLine(e: LogEvent, t: (typeof consoleMessages)['en']['push'], job: string): string | null {
  switch (e.type) {
    case 'question.asked':
    case 'question.moved':
      return fill(t.question, { job, text: e.payload.question.body.slice(0, 200) });
    case 'question.replied':
      return fill(t.replied, { job, text: (e.payload.question.answer ?? '').slice(0, 200) });
    case 'cost_line.approved':
    case 'cost_line.declined':
      return fill(e.type === 'cost_line.approved' ? t.approved : t.declined, {
        job,
        item: e.payload.costLine.description,
      });
    default:
      return null;
  }
}

/**
 * Web push for new events: customers who pressed "notify me" hear when a step starts or finishes, a
 * promise moves, an answer arrives or their approval is needed; specialists when a question or a
 * decision reaches them. Subscriptions the push service calls gone (404, 410) are deleted. Push is
 * best effort: the log is read once (a cursor in the database, one process at a time).
 */
/** How many push services are written to at once. */
export const PUSH_CONCURRENCY = 8;

type Message = { title: string; body: string; url: string; tag: string };

/** Runs `work` over `items`, at most `limit` at a time. */
async function eachLimited<T>(items: T[], limit: number, work: (item: T) => Promise<void>) {
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const item = items[next++] as T;
      await work(item);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

export async function sendPushForNewEvents(
  db: Db,
  clock: Clock,
  sender: PushSender,
  publicUrl: string,
): Promise<number> {
  if (!(await cursorHasWork(db, 'push', clock.now()))) return 0;
  const rows = await cursorTransaction(db, 'push', async (tx) => {
    const next = await nextEvents(tx, 'push', clock.now(), 200);
    if (!next) return [];
    await next.advance();
    return next.rows;
  });
  const wanted = rows.flatMap((row) => {
    const e = readEvent(row);
    return e && (customerKey(e) || staffRecipient(e)) ? [e] : [];
  });
  if (wanted.length === 0) return 0;
  const jobIds = [...new Set(wanted.map((e) => e.jobId))];
  const [jobRows, subs, secrets] = await Promise.all([
    db
      .select({ job: jobs, orgName: organisations.name, orgLocale: organisations.defaultLocale })
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
  // What customers turned off for push on the tracker's preferences.
  const saidNo = await declined(db, jobIds, 'push');
  // Messages per subscription, in log order; subscriptions are served PUSH_CONCURRENCY at a time, so
  // one slow push service (10 s timeouts) holds up only its own subscribers.
  const queues = new Map<string, { sub: (typeof subs)[number]; messages: Message[] }>();
  for (const event of wanted) {
    const found = byJob.get(event.jobId);
    if (!found) continue;
    const key = customerKey(event);
    const staffId = staffRecipient(event);
    const token = found.job.trackerTokenSealed ? unseal(secrets.seal, found.job.trackerTokenSealed) : null;
    for (const sub of subs) {
      let body: string | null = null;
      let url = '';
      const preference = key ? kindOfAnnouncement(key) : null;
      if (
        key &&
        sub.jobId === event.jobId &&
        token &&
        !(preference && saidNo.has(`${event.jobId}|${preference}`))
      ) {
        const t = messages[sub.locale].tracker;
        const step = 'step' in event.payload ? event.payload.step : undefined;
        // In the subscriber's language where the step was given in it (older events carry no translations).
        const title = step
          ? localText(step.title, found.orgLocale, step.translations, 'title', sub.locale).text
          : '';
        body = fill(t.announce[key], { step: title, name: '' });
        url = `${publicUrl}/t/${token}`;
      } else if (staffId && sub.specialistId === staffId) {
        body = staffLine(event, consoleMessages[sub.locale].push, found.job.reference);
        url = `${publicUrl}/console/jobs/${event.jobId}`;
      }
      if (!body) continue;
      const queue = queues.get(sub.id) ?? { sub, messages: [] };
      queue.messages.push({ title: found.orgName, body, url, tag: event.jobId });
      queues.set(sub.id, queue);
    }
  }
  let sent = 0;
  await eachLimited([...queues.values()], PUSH_CONCURRENCY, async ({ sub, messages: queue }) => {
    for (const message of queue) {
      const result = await sender.send(
        { endpoint: sub.endpoint, p256dh: sub.p256dh, auth: sub.auth },
        message,
        { topic: createHash('sha256').update(message.tag).digest('base64url').slice(0, 32) },
      );
      if ('status' in result && (result.status === 404 || result.status === 410)) {
        await forgetSubscription(db, sub.id);
        return;
      }
      if ('status' in result && result.status < 300) sent++;
    }
  });
  return sent;
}
