import { type Database, openDatabase } from '../db/client';
import { EVENTS_CHANNEL } from '../db/dialect';
import { type Config, loadConfig } from './config';
import { createLive, type Live } from './live';
import type { MailWorkOptions } from './notify/mail/customer';
import { type ReplyListener, startReplyListener } from './notify/mail/listener';
import { setMessageIdDomain } from './notify/mail/outbox';
import { type MailTransport, smtpTransport } from './notify/mail/sender';
import { PushSender } from './notify/push';
import { vapidKeys } from './notify/push-subscriptions';
import type { SmsProvider } from './notify/sms/provider';
import { TwilioSms } from './notify/sms/twilio';
import type { InboundDeps } from './services/customer-voice/inbound-mail';
import { configureThreadMail } from './services/customer-voice/thread-mail';
import { cacheApiKeys } from './services/organisation/api-keys';
import { type Clock, type Ctx, systemClock } from './services/platform/context';
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
  /**
   * Calls `listener` when another process sharing the database appended events (PostgreSQL's
   * LISTEN/NOTIFY; never on libSQL, where one process owns the file). Returns the unsubscribe.
   */
  onOtherProcessEvents(listener: () => void): () => void;
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
    pollMs: database.onNotified ? config.liveSafetyPollMs : config.livePollMs,
    heartbeatMs: config.liveHeartbeatMs,
    streamsPerToken: config.liveStreamsPerToken,
    streamsPerAddress: config.liveStreamsPerAddress,
  });
  const othersWrote = new Set<() => void>();
  database.onNotified?.(EVENTS_CHANNEL, () => {
    live.tail.poke();
    for (const listener of othersWrote) listener();
  });
  if (database.onNotified) cacheApiKeys(database.db, database.onNotified);
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
    onOtherProcessEvents(listener) {
      othersWrote.add(listener);
      return () => othersWrote.delete(listener);
    },
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

/** What the email workers need from the configuration. */
export const mailWorkOptions = (config: Config): MailWorkOptions => ({
  publicUrl: config.publicUrl,
  inboundDomain: config.mail.inboundDomain,
  replyAddressDays: config.mail.replyAddressDays,
  coalesceMs: config.mail.coalesceMs,
  minGapMs: config.mail.minGapMs,
});
