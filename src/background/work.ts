import { onWriteCommitted } from '../../db/dialect';
import { deliveries, mailMessages, smsMessages } from '../../db/schema';
import { log } from '../log';
import { earliestDue } from '../notify/due';
import { leaseBlocksUntil, releaseCursors } from '../notify/log-cursor';
import { collectMailMoments, flushCustomerMail, nextCustomerMailDue } from '../notify/mail/customer';
import { pruneMail } from '../notify/mail/outbox';
import { sendDueMail } from '../notify/mail/sender';
import { enqueueWebhookMessages, sendDueWebhooks } from '../notify/outbox';
import { sendPushForNewEvents } from '../notify/push-dispatch';
import { enqueueSmsForNewEvents, sendDueSms } from '../notify/sms/queue';
import { mailWorkOptions, type Runtime, startInboundMail } from '../runtime';
import { escalateOverdueQuestions, nextEscalationAt } from '../services/customer-voice/questions';
import { foldInsights, TIMER_BATCHES } from '../services/insights/fold';
import { mergeAnswerIndex } from '../services/knowledge/answers';
import { nextSweepAt, sweepIdempotencyKeys } from '../services/platform/idempotency';
import { Loop, type Round } from './loop';

/** Rounds of one job start at least this far apart (the old timers' period): bounded work under load. */
const MIN_GAP_MS = 1_000;
const HOUR_MS = 3_600_000;

/** The earliest of several due times, ignoring those that are not known (null). */
const earliest = (...times: (number | null)[]): number | null =>
  times.reduce<number | null>((a, b) => (b === null ? a : a === null ? b : Math.min(a, b)), null);

/**
 * Work the server does on its own: moving overdue questions to a colleague, webhooks (turning new
 * events into messages, then sending what is due), web push, email (collecting moments, sending or
 * keeping what is due, removing old messages), text messages (when configured, like webhooks),
 * folding new events into the insights, and removing idempotency keys older than a day.
 *
 * Each job is a `Loop`: it runs after a write this process committed and when another process's
 * events arrive (PostgreSQL), at the time its last round found work falls due (a retry, an overdue
 * question, a lease that runs out), and otherwise only on the safety poll — an idle process asks the
 * database nothing in between (docs/decisions/background-work.md). Safe with several processes on
 * one database: each question moves once, one process at a time reads the log for each cursor, and
 * every attempt is claimed before it is sent. Timers do not keep the process alive.
 */
export function startBackgroundWork(
  rt: Runtime,
  options: { safetyMs?: number; minGapMs?: number } = {},
): () => void {
  const { db } = rt.database;
  const { clock } = rt;
  const safetyMs = options.safetyMs ?? rt.config.backgroundSafetyPollMs;
  const minGapMs = options.minGapMs ?? MIN_GAP_MS;
  // Set by a test: every woken job uses it, none waits longer.
  const forcedGap = options.minGapMs !== undefined;
  const mailOptions = mailWorkOptions(rt.config);
  const allowPrivate = rt.config.outboundAllowPrivate;

  const woken: Loop[] = [];
  let searchMergedUpTo: number | null = null;
  const loop = (name: string, round: Round, own: { minGapMs?: number; wake?: boolean } = {}) => {
    const l = new Loop(round, {
      clock,
      minGapMs: forcedGap && own.wake !== false ? minGapMs : (own.minGapMs ?? minGapMs),
      safetyMs,
      onError: (error) => log.error({ err: error }, `${name}: background round failed`),
    });
    if (own.wake !== false) woken.push(l);
    return l.start();
  };

  const loops = [
    loop('webhooks', async () => {
      await enqueueWebhookMessages(db, clock);
      await sendDueWebhooks(db, clock, { allowPrivate });
      return earliest(
        await earliestDue(db, deliveries, deliveries, 'pending'),
        await leaseBlocksUntil(db, 'webhooks', clock.now()),
      );
    }),
    loop('push', async () => {
      await sendPushForNewEvents(db, clock, rt.push.sender, rt.config.publicUrl);
      return leaseBlocksUntil(db, 'push', clock.now());
    }),
    loop('mail', async () => {
      const base = { db, clock };
      while ((await collectMailMoments(base, mailOptions)) > 0) {}
      while ((await flushCustomerMail(base, mailOptions)) > 0) {}
      // A full batch means more is due: keep going (bounded) rather than wait for the next round.
      for (let round = 0; round < 50; round++) {
        if ((await sendDueMail(db, clock, rt.mail.transport, rt.config.mail.from)) === 0) break;
      }
      return earliest(
        await nextCustomerMailDue(db, mailOptions),
        await earliestDue(db, mailMessages, mailMessages, 'queued'),
        await leaseBlocksUntil(db, 'mail', clock.now()),
      );
    }),
    ...(rt.sms
      ? [
          loop('sms', async () => {
            if (!rt.sms) return null;
            await enqueueSmsForNewEvents(db, clock, rt.config.publicUrl);
            await sendDueSms(db, clock, rt.sms);
            return earliest(
              await earliestDue(db, smsMessages, smsMessages, 'pending'),
              await leaseBlocksUntil(db, 'sms', clock.now()),
            );
          }),
        ]
      : []),
    loop(
      'insights',
      async () => {
        // A round folds a few batches. After one that folded anything, look again at the next gap (5 s):
        // a long backlog (history from before insights) is caught up round after round, not write by write.
        const folded = await foldInsights(db, { maxBatches: TIMER_BATCHES });
        return folded > 0 ? clock.now() : null;
      },
      { minGapMs: 5_000 },
    ),
    loop(
      'questions',
      async () => {
        await escalateOverdueQuestions({ db, clock, afterCommit: () => rt.live.tail.poke() });
        return nextEscalationAt(db);
      },
      // A new question is due minutes later at the earliest: looking at most twice a minute is enough.
      { minGapMs: 30_000 },
    ),
    loop(
      'idempotency',
      async () => {
        await sweepIdempotencyKeys({ db, clock });
        return nextSweepAt(db);
      },
      { wake: false },
    ),
    loop(
      'search index',
      async () => {
        // Answers published since the last round: merge the index's segments (a few per hour at most).
        searchMergedUpTo = await mergeAnswerIndex(db, searchMergedUpTo);
        return clock.now() + HOUR_MS;
      },
      { wake: false, minGapMs: HOUR_MS },
    ),
    loop(
      'mail pruning',
      async () => {
        await pruneMail(db, clock.now());
        return clock.now() + HOUR_MS;
      },
      { wake: false, minGapMs: HOUR_MS },
    ),
  ];

  const wakeAll = () => {
    for (const l of woken) l.wake();
  };
  const unsubscribe = [onWriteCommitted(wakeAll), rt.onOtherProcessEvents(wakeAll)];
  // Replies by email: the listener runs with the background work (one process listens on the port).
  const listening = startInboundMail(rt).catch((error) => {
    log.error({ err: error }, 'inbound mail: the SMTP listener could not start');
    return null;
  });
  return () => {
    for (const stop of unsubscribe) stop();
    for (const l of loops) l.stop();
    void listening.then((listener) => listener?.close());
    void releaseCursors(db).catch((error) =>
      log.warn({ err: error }, 'background work: releasing cursors failed'),
    );
  };
}
