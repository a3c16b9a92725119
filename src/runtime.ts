import { type Database, openDatabase } from '../db/client';
import { type Config, loadConfig } from './config';
import { createLive, type Live } from './live';
import { log } from './log';
import { releaseCursors } from './notify/log-cursor';
import { collectMailMoments, flushCustomerMail, type MailWorkOptions } from './notify/mail/customer';
import { type ReplyListener, startReplyListener } from './notify/mail/listener';
import { pruneMail, setMessageIdDomain } from './notify/mail/outbox';
import { type MailTransport, sendDueMail, smtpTransport } from './notify/mail/sender';
import { enqueueWebhookMessages, sendDueWebhooks } from './notify/outbox';
import { PushSender } from './notify/push';
import { sendPushForNewEvents } from './notify/push-dispatch';
import { vapidKeys } from './notify/push-subscriptions';
import type { SmsProvider } from './notify/sms/provider';
import { enqueueSmsForNewEvents, sendDueSms } from './notify/sms/queue';
import { TwilioSms } from './notify/sms/twilio';
import type { InboundDeps } from './services/customer-voice/inbound-mail';
import { escalateOverdueQuestions } from './services/customer-voice/questions';
import { configureThreadMail } from './services/customer-voice/thread-mail';
import { foldInsights, TIMER_BATCHES } from './services/insights/fold';
import { type Clock, type Ctx, systemClock } from './services/platform/context';
import { sweepIdempotencyKeys } from './services/platform/idempotency';
import { loadSecrets } from './services/platform/secrets';
import { type Auth, createAuth } from './services/staff/auth';
import { setLookupFloor } from './services/tracker/widget';

/** Everything a request needs that outlives it: configuration, database, clock, live fan-out, sign-in. */
export type Runtime = {
  config: Config;
  database: Database;
  clock: Clock;
  live: Live;
  auth: Auth;
  /** Web push: the VAPID key pair browsers subscribe with, and the sender that reuses it. */
  push: { publicKey: string; sender: PushSender };
  /** Email: the SMTP transport for SMTP_URL, or null (messages are kept in the console's outbox). */
  mail: { transport: MailTransport | null };
  /** Text messages (Twilio); undefined unless configured. */
  sms: SmsProvider | undefined;
};

/** Expects a migrated database (src/start.ts and `npm run dev` prepare it first). */
export async function createRuntime(config: Config, clock: Clock = systemClock): Promise<Runtime> {
  const database = await openDatabase(
    config.databaseUrl,
    config.databaseAuthToken,
    config.databaseSynchronous,
  );
  return runtimeOn(config, database, clock);
}

export async function runtimeOn(config: Config, database: Database, clock: Clock): Promise<Runtime> {
  const secrets = await loadSecrets(database.db, config.secretKey);
  const auth = createAuth(database.db, {
    baseURL: config.publicUrl,
    secret: secrets.auth,
    passwordHashCost: config.passwordHashCost,
  });
  setLookupFloor(config.widgetLookupFloorMs);
  const live = createLive(database.db, {
    // On PostgreSQL other processes' commits wake the tail (LISTEN/NOTIFY); the poll is only a safety net.
    pollMs: database.onEventsAppended ? config.liveSafetyPollMs : config.livePollMs,
    heartbeatMs: config.liveHeartbeatMs,
    streamsPerToken: config.liveStreamsPerToken,
    streamsPerAddress: config.liveStreamsPerAddress,
  });
  database.onEventsAppended?.(() => live.tail.poke());
  const vapid = await vapidKeys(database.db, config.vapid);
  const sender = new PushSender(
    { ...vapid, subject: config.vapidSubject },
    { allowPrivate: config.outboundAllowPrivate, now: () => clock.now() },
  );
  setMessageIdDomain(config.mail.inboundDomain);
  configureThreadMail({
    domain: config.mail.inboundDomain,
    replyAddressDays: config.mail.replyAddressDays,
    publicUrl: config.publicUrl,
  });
  const transport = config.mail.smtpUrl ? smtpTransport(config.mail.smtpUrl) : null;
  return {
    config,
    database,
    clock,
    live,
    auth,
    push: { publicKey: vapid.publicKey, sender },
    mail: { transport },
    sms: config.sms ? new TwilioSms(config.sms) : undefined,
  };
}

/** A service context for one organisation and actor, wired to wake the live fan-out after commits. */
export const contextFor = (rt: Runtime, organisationId: string, actor: Ctx['actor']): Ctx => ({
  db: rt.database.db,
  clock: rt.clock,
  organisationId,
  actor,
  afterCommit: () => rt.live.tail.poke(),
});

/** What receiving a reply by email needs: the reply-address key and domain, wired to the live fan-out. */
export async function inboundDeps(rt: Runtime): Promise<InboundDeps> {
  const secrets = await loadSecrets(rt.database.db, rt.config.secretKey);
  return {
    db: rt.database.db,
    clock: rt.clock,
    replyKey: secrets.reply,
    domain: rt.config.mail.inboundDomain,
    afterCommit: () => rt.live.tail.poke(),
  };
}

/** Starts the SMTP listener for replies when INBOUND_SMTP_PORT is set (else resolves to null). */
export async function startInboundMail(rt: Runtime): Promise<ReplyListener | null> {
  const port = rt.config.mail.inboundSmtpPort;
  if (port === undefined) return null;
  return startReplyListener(await inboundDeps(rt), { port, host: rt.config.host });
}

/**
 * The process-wide runtime used by src/fetch.ts and the pages. Kept on globalThis so code outside the
 * built bundle that loads it in the same process (the benchmarks' server, the live tests) reaches the
 * same instance.
 */
const KEY = Symbol.for('open-kitchen.runtime');
const scope = globalThis as { [KEY]?: Promise<Runtime> };

export function sharedRuntime(): Promise<Runtime> {
  scope[KEY] ??= createRuntime(loadConfig());
  return scope[KEY];
}

/**
 * Work the server does on its own, on timers: moving overdue questions to a colleague, sending
 * webhooks (turning new events into messages, then sending what is due), web push, email (sending or
 * keeping what is due in the outbox, removing old messages), text messages (when configured, the same
 * way as webhooks), folding new events into the insights, and removing idempotency keys older than a
 * day. Safe with several processes
 * on one database: each question moves once, one process at a time reads the log for webhooks, and
 * every attempt is claimed before it is sent. Timers do not keep the process alive.
 */
export function startBackgroundWork(
  rt: Runtime,
  options: {
    questionsMs?: number;
    webhooksMs?: number;
    insightsMs?: number;
    idempotencyMs?: number;
    mailMs?: number;
  } = {},
) {
  const { db } = rt.database;
  const escalate = () =>
    escalateOverdueQuestions({ db, clock: rt.clock, afterCommit: () => rt.live.tail.poke() }).catch((error) =>
      log.error({ err: error }, 'questions: moving overdue questions failed'),
    );
  let sending = false;
  const webhooks = async () => {
    if (sending) return;
    sending = true;
    try {
      await enqueueWebhookMessages(db, rt.clock);
      await sendDueWebhooks(db, rt.clock, { allowPrivate: rt.config.outboundAllowPrivate });
    } catch (error) {
      log.error({ err: error }, 'webhooks: sending failed');
    } finally {
      sending = false;
    }
  };
  let pushing = false;
  const push = async () => {
    if (pushing) return;
    pushing = true;
    try {
      await sendPushForNewEvents(db, rt.clock, rt.push.sender, rt.config.publicUrl);
    } catch (error) {
      log.error({ err: error }, 'push: sending failed');
    } finally {
      pushing = false;
    }
  };
  let texting = false;
  const texts = async () => {
    if (texting || !rt.sms) return;
    texting = true;
    try {
      await enqueueSmsForNewEvents(db, rt.clock, rt.config.publicUrl);
      await sendDueSms(db, rt.clock, rt.sms);
    } catch (error) {
      log.error({ err: error }, 'sms: sending failed');
    } finally {
      texting = false;
    }
  };
  let folding = false;
  const fold = async () => {
    if (folding) return;
    folding = true;
    try {
      await foldInsights(db, { maxBatches: TIMER_BATCHES });
    } catch (error) {
      log.error({ err: error }, 'insights: folding the log failed');
    } finally {
      folding = false;
    }
  };
  let mailing = false;
  const mailOptions = mailWorkOptions(rt.config);
  const mail = async () => {
    if (mailing) return;
    mailing = true;
    try {
      while ((await collectMailMoments({ db, clock: rt.clock }, mailOptions)) > 0) {}
      while ((await flushCustomerMail({ db, clock: rt.clock }, mailOptions)) > 0) {}
      // A full batch means more is due: keep going (bounded) rather than wait for the next tick.
      for (let round = 0; round < 50; round++) {
        const settled = await sendDueMail(db, rt.clock, rt.mail.transport, rt.config.mail.from);
        if (settled === 0) break;
      }
    } catch (error) {
      log.error({ err: error }, 'mail: sending failed');
    } finally {
      mailing = false;
    }
  };
  const pruneOldMail = () =>
    pruneMail(db, rt.clock.now()).catch((error) =>
      log.error({ err: error }, 'mail: pruning the outbox failed'),
    );
  const sweep = () =>
    sweepIdempotencyKeys({ db, clock: rt.clock }).catch((error) =>
      log.error({ err: error }, 'idempotency: removing expired keys failed'),
    );
  // Replies by email: the listener runs with the background work (one process listens on the port).
  const listening = startInboundMail(rt).catch((error) => {
    log.error({ err: error }, 'inbound mail: the SMTP listener could not start');
    return null;
  });
  const timers = [
    setInterval(sweep, options.idempotencyMs ?? 60_000),
    setInterval(fold, options.insightsMs ?? 5_000),
    setInterval(escalate, options.questionsMs ?? 30_000),
    setInterval(webhooks, options.webhooksMs ?? 1_000),
    setInterval(push, options.webhooksMs ?? 1_000),
    setInterval(mail, options.mailMs ?? 1_000),
    setInterval(pruneOldMail, 3_600_000),
    ...(rt.sms ? [setInterval(texts, options.webhooksMs ?? 1_000)] : []),
  ];
  for (const timer of timers) timer.unref();
  return () => {
    for (const timer of timers) clearInterval(timer);
    void listening.then((listener) => listener?.close());
    void releaseCursors(db).catch((error) =>
      log.warn({ err: error }, 'background work: releasing cursors failed'),
    );
  };
}

/** What the email workers need from the configuration. */
export const mailWorkOptions = (config: Config): MailWorkOptions => ({
  publicUrl: config.publicUrl,
  inboundDomain: config.mail.inboundDomain,
  replyAddressDays: config.mail.replyAddressDays,
  coalesceMs: config.mail.coalesceMs,
  minGapMs: config.mail.minGapMs,
});
