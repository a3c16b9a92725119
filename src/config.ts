import { isIP } from 'node:net';
import { z } from 'zod';
import { DEFAULT_SYNCHRONOUS, SYNCHRONOUS_LEVELS, type Synchronous } from '../db/synchronous';

/** The one place that reads the environment. Everything else receives a Config. */
const schema = z.object({
  HOST: z.string().min(1).default('127.0.0.1'),
  PORT: z.coerce.number().int().min(0).max(65535).default(4321),
  DATABASE_URL: z.string().min(1).default('file:db/open-kitchen.db'),
  DATABASE_AUTH_TOKEN: z.string().optional(),
  /** Commit durability of an embedded database: NORMAL survives a process crash, FULL also a power loss (README: Durability). */
  DATABASE_SYNCHRONOUS: z.enum(SYNCHRONOUS_LEVELS).default(DEFAULT_SYNCHRONOUS),
  /** Public origin used in links we hand out (tracker links). Defaults to http://HOST:PORT. */
  PUBLIC_URL: z.url().optional(),
  /** How often each process tails the event log for events written by other processes. */
  LIVE_POLL_MS: z.coerce.number().int().min(5).max(5000).default(25),
  /**
   * On PostgreSQL other processes' commits wake the tail (LISTEN/NOTIFY) and LIVE_POLL_MS does not apply:
   * how often it reads the log unwoken all the same, in case a notification was lost.
   */
  LIVE_SAFETY_POLL_MS: z.coerce.number().int().min(1000).max(3_600_000).default(5000),
  /** Comment line sent on idle SSE streams so proxies keep them open. */
  LIVE_HEARTBEAT_MS: z.coerce.number().int().min(1000).max(120_000).default(20_000),
  /** Live streams one tracker link, embed token or staff session may hold open at once (per process). */
  LIVE_STREAMS_PER_TOKEN: z.coerce.number().int().min(1).default(20),
  /**
   * Load balancers in front of this process (IP addresses or CIDR blocks, comma-separated): from them, the
   * client's address is read from X-Forwarded-For (src/http/client-address.ts). Empty: the header is ignored.
   */
  TRUSTED_PROXIES: z
    .string()
    .default('')
    .transform((v) =>
      v
        .split(',')
        .map((entry) => entry.trim())
        .filter(Boolean),
    )
    .refine((entries) => entries.every(isProxyEntry), 'each entry must be an IP address or CIDR block'),
  /** Live streams one client address may hold open at once (per process). */
  LIVE_STREAMS_PER_ADDRESS: z.coerce.number().int().min(1).default(200),
  /**
   * Memory for the tracker pages' job content kept per process (src/services/tracker/view-cache.ts),
   * in MB; 0 turns the cache off. Entries also expire after a few seconds (what changes without an event).
   */
  TRACKER_VIEW_CACHE_MB: z.coerce.number().min(0).max(4096).default(32),
  /**
   * How long the tracker page's rendered live regions are reused for the same job, language and content
   * (kept in the same cache, docs/decisions/tracker-regions-cached.md): how old the clock-dependent parts
   * ("running late", today's times) may be, in ms. 0 renders them on every request.
   */
  TRACKER_REGIONS_FRESH_MS: z.coerce.number().int().min(0).max(60_000).default(1000),
  /**
   * Root secret for session signing and sealing tracker tokens. Optional: without it one is generated
   * and kept in the database. Set it (32+ characters) so a copy of the database alone unseals nothing.
   */
  SECRET_KEY: z.string().min(32).optional(),
  SEED: z.enum(['auto', 'never']).default('auto'),
  /** Web push (VAPID) keys; without them a pair is generated once and kept in the database. */
  VAPID_PUBLIC_KEY: z.string().min(80).optional(),
  VAPID_PRIVATE_KEY: z.string().min(40).optional(),
  /** Who push services may contact about our messages: a mailto: or https: URL. */
  VAPID_SUBJECT: z
    .string()
    .regex(/^(mailto:|https:)/)
    .optional(),
  /** Let webhooks and web push reach loopback and private addresses (a business network; off by default). */
  OUTBOUND_ALLOW_PRIVATE: z.enum(['1', '0']).default('0'),
  LOG_REQUESTS: z.enum(['1', '0']).default('1'),
  /** The least severe log lines written (JSON lines on stdout, src/log.ts). */
  LOG_LEVEL: z.enum(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent']).default('info'),
  /**
   * Graceful shutdown on SIGTERM/SIGINT (src/http/shutdown.ts): the whole drain must end within this,
   * else the process exits anyway (code 1) with what is still open cut off.
   */
  SHUTDOWN_TIMEOUT_MS: z.coerce.number().int().min(100).max(600_000).default(10_000),
  /**
   * How long, after the signal, the server keeps serving while /readyz already answers 503, so a load
   * balancer's health check notices before connections are refused (its interval × fall count). 0: stop at once.
   */
  SHUTDOWN_READY_DELAY_MS: z.coerce.number().int().min(0).max(300_000).default(0),
  /** The `retry:` hint sent to live streams on shutdown: they reconnect after this to twice this. */
  SHUTDOWN_RECONNECT_MS: z.coerce.number().int().min(0).max(60_000).default(1_000),
  /**
   * The bearer token GET /metrics requires. Unset: /metrics answers only direct loopback requests
   * (no X-Forwarded-For), so a proxy on the same machine does not open it to the world.
   */
  METRICS_TOKEN: z.string().min(16).max(512).optional(),
  /**
   * Background work in this process: moving overdue questions, webhooks, web push, folding the log for
   * insights. Safe in every process; with many API processes on one database, `0` in all but one or two
   * leaves their CPU to requests.
   */
  BACKGROUND_WORK: z.enum(['1', '0']).default('1'),
  /**
   * Background work wakes after this process's writes, on other processes' events and when something
   * it knows of falls due; with none of those it still looks this often (a process that died mid-work).
   */
  BACKGROUND_SAFETY_POLL_MS: z.coerce.number().int().min(1000).max(3_600_000).default(60_000),
  /**
   * scrypt's cost (N) for new password hashes; better-auth's 16384 by default. Lower only where
   * nothing real is protected (the tests): a cheaper hash is a weaker one. Hashes say which cost made them.
   */
  PASSWORD_HASH_COST: z.coerce
    .number()
    .int()
    .min(2)
    .max(1 << 20)
    .refine((n) => (n & (n - 1)) === 0, 'a power of two')
    .default(16384),
  /** The least time every widget lookup answer takes (found or not), so a miss tells nothing. */
  WIDGET_LOOKUP_FLOOR_MS: z.coerce.number().int().min(0).max(5000).default(150),
  /**
   * The largest document (PDF or image) staff may attach to a step, in MB (docs/decisions/documents.md):
   * a larger upload is refused before it is read.
   */
  DOCUMENT_MAX_MB: z.coerce.number().int().min(1).max(100).default(20),
  /** `0` turns the request body limits off: only for measuring what they cost (bench/body-limit.ts). */
  BODY_LIMITS: z.enum(['1', '0']).default('1'),
  /**
   * Outgoing mail: `smtp://user:pass@host:port` or `smtps://…`. Without it nothing leaves the machine:
   * every message is kept in the built-in outbox that the console shows (/console/outbox).
   */
  SMTP_URL: z.url({ protocol: /^smtps?$/ }).optional(),
  /** The sender of our messages; the organisation's name is shown as the display name. */
  MAIL_FROM: z.email().default('tracker@open-kitchen.invalid'),
  /** Port of the built-in SMTP listener for replies (off when unset). */
  INBOUND_SMTP_PORT: z.coerce.number().int().min(0).max(65535).optional(),
  /** Domain of the per-job reply addresses; its MX must point at the listener (or a provider posting to us). */
  INBOUND_DOMAIN: z
    .string()
    .regex(/^[a-z0-9.-]+$/i)
    .optional(),
  /**
   * The bearer token a mail provider sends when it posts inbound mail to POST /api/v1/inbound/mail
   * (off when unset). One per installation: a reply address, not an API key, says whose job it is.
   */
  INBOUND_MAIL_TOKEN: z.string().min(32).max(512).optional(),
  /** How long a reply address in a sent message keeps working. */
  REPLY_ADDRESS_DAYS: z.coerce.number().int().min(1).max(3650).default(180),
  /** A job's customer moments within this window (from the first) go out as one email. */
  MAIL_COALESCE_MS: z.coerce.number().int().min(0).max(3_600_000).default(120_000),
  /** At most one email per job per this long, unless it needs the customer's action (an approval). */
  MAIL_MIN_GAP_MS: z.coerce.number().int().min(0).max(86_400_000).default(600_000),
  /** Text messages through Twilio's Messages API; off unless all three are set. */
  TWILIO_ACCOUNT_SID: z
    .string()
    .regex(/^AC[0-9a-f]{32}$/i)
    .optional(),
  TWILIO_AUTH_TOKEN: z.string().min(16).optional(),
  /** The sending number (E.164) or a Messaging Service SID (MG…). */
  TWILIO_FROM: z
    .string()
    .regex(/^(\+[1-9]\d{6,14}|MG[0-9a-f]{32})$/i)
    .optional(),
  /** Twilio's API origin; only tests point it elsewhere (a local server that follows the documented API). */
  TWILIO_API_URL: z.url().default('https://api.twilio.com'),
});

/** An IP address or a CIDR block (`10.0.0.0/8`, `fd00::/8`): one entry of TRUSTED_PROXIES. */
function isProxyEntry(entry: string): boolean {
  const [address, prefix, ...rest] = entry.split('/');
  const family = isIP(address ?? '');
  if (!family || rest.length > 0) return false;
  if (prefix === undefined) return true;
  if (!/^\d{1,3}$/.test(prefix)) return false;
  return Number(prefix) <= (family === 4 ? 32 : 128);
}

export type Config = {
  host: string;
  port: number;
  databaseUrl: string;
  databaseAuthToken: string | undefined;
  databaseSynchronous: Synchronous;
  publicUrl: string;
  livePollMs: number;
  liveSafetyPollMs: number;
  liveHeartbeatMs: number;
  liveStreamsPerToken: number;
  liveStreamsPerAddress: number;
  /** Addresses and CIDR blocks whose X-Forwarded-For is believed (docs/decisions/client-address.md). */
  trustedProxies: readonly string[];
  /** The tracker view cache's bounds (docs/decisions/tracker-view-cached.md). */
  trackerViewCache: { maxEntries: number; maxBytes: number; maxAgeMs: number; regionsFreshMs: number };
  secretKey: string | undefined;
  seed: 'auto' | 'never';
  vapid: { publicKey: string; privateKey: string } | undefined;
  vapidSubject: string;
  outboundAllowPrivate: boolean;
  logRequests: boolean;
  logLevel: 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'fatal' | 'silent';
  shutdown: { timeoutMs: number; readyDelayMs: number; reconnectMs: number };
  /** Undefined: /metrics is for loopback only. */
  metricsToken: string | undefined;
  backgroundWork: boolean;
  backgroundSafetyPollMs: number;
  passwordHashCost: number;
  widgetLookupFloorMs: number;
  bodyLimits: boolean;
  /** The largest document a step takes, in bytes (DOCUMENT_MAX_MB). */
  documentMaxBytes: number;
  mail: {
    /** Undefined: messages stay in the built-in outbox. */
    smtpUrl: string | undefined;
    from: string;
    inboundSmtpPort: number | undefined;
    /** Domain of reply addresses: INBOUND_DOMAIN, else PUBLIC_URL's host. */
    inboundDomain: string;
    /** Undefined: the HTTP endpoint for inbound mail answers 404. */
    inboundToken: string | undefined;
    replyAddressDays: number;
    coalesceMs: number;
    minGapMs: number;
  };
  /** Undefined: text messages are off. */
  sms: { accountSid: string; authToken: string; from: string; apiUrl: string } | undefined;
};

export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new Error(`Invalid configuration: ${problems}`);
  }
  const e = parsed.data;
  const shownHost = e.HOST === '0.0.0.0' || e.HOST === '::' ? 'localhost' : e.HOST;
  return {
    host: e.HOST,
    port: e.PORT,
    databaseUrl: e.DATABASE_URL,
    databaseAuthToken: e.DATABASE_AUTH_TOKEN,
    databaseSynchronous: e.DATABASE_SYNCHRONOUS,
    publicUrl: (e.PUBLIC_URL ?? `http://${shownHost}:${e.PORT}`).replace(/\/$/, ''),
    livePollMs: e.LIVE_POLL_MS,
    liveSafetyPollMs: e.LIVE_SAFETY_POLL_MS,
    liveHeartbeatMs: e.LIVE_HEARTBEAT_MS,
    liveStreamsPerToken: e.LIVE_STREAMS_PER_TOKEN,
    liveStreamsPerAddress: e.LIVE_STREAMS_PER_ADDRESS,
    trustedProxies: e.TRUSTED_PROXIES,
    trackerViewCache: {
      maxEntries: e.TRACKER_VIEW_CACHE_MB === 0 ? 0 : 10_000,
      maxBytes: Math.floor(e.TRACKER_VIEW_CACHE_MB * 1024 * 1024),
      maxAgeMs: 5_000,
      regionsFreshMs: e.TRACKER_REGIONS_FRESH_MS,
    },
    secretKey: e.SECRET_KEY,
    seed: e.SEED,
    vapid:
      e.VAPID_PUBLIC_KEY && e.VAPID_PRIVATE_KEY
        ? { publicKey: e.VAPID_PUBLIC_KEY, privateKey: e.VAPID_PRIVATE_KEY }
        : undefined,
    vapidSubject:
      e.VAPID_SUBJECT ??
      (e.PUBLIC_URL?.startsWith('https:') ? e.PUBLIC_URL : 'mailto:push@open-kitchen.invalid'),
    outboundAllowPrivate: e.OUTBOUND_ALLOW_PRIVATE === '1',
    logRequests: e.LOG_REQUESTS === '1',
    logLevel: e.LOG_LEVEL,
    shutdown: {
      timeoutMs: e.SHUTDOWN_TIMEOUT_MS,
      readyDelayMs: e.SHUTDOWN_READY_DELAY_MS,
      reconnectMs: e.SHUTDOWN_RECONNECT_MS,
    },
    metricsToken: e.METRICS_TOKEN,
    backgroundWork: e.BACKGROUND_WORK === '1',
    backgroundSafetyPollMs: e.BACKGROUND_SAFETY_POLL_MS,
    passwordHashCost: e.PASSWORD_HASH_COST,
    widgetLookupFloorMs: e.WIDGET_LOOKUP_FLOOR_MS,
    bodyLimits: e.BODY_LIMITS === '1',
    documentMaxBytes: e.DOCUMENT_MAX_MB * 1024 * 1024,
    mail: {
      smtpUrl: e.SMTP_URL,
      from: e.MAIL_FROM,
      inboundSmtpPort: e.INBOUND_SMTP_PORT,
      inboundDomain: (
        e.INBOUND_DOMAIN ?? new URL(e.PUBLIC_URL ?? `http://${shownHost}`).hostname
      ).toLowerCase(),
      inboundToken: e.INBOUND_MAIL_TOKEN,
      replyAddressDays: e.REPLY_ADDRESS_DAYS,
      coalesceMs: e.MAIL_COALESCE_MS,
      minGapMs: e.MAIL_MIN_GAP_MS,
    },
    sms:
      e.TWILIO_ACCOUNT_SID && e.TWILIO_AUTH_TOKEN && e.TWILIO_FROM
        ? {
            accountSid: e.TWILIO_ACCOUNT_SID,
            authToken: e.TWILIO_AUTH_TOKEN,
            from: e.TWILIO_FROM,
            apiUrl: e.TWILIO_API_URL.replace(/\/$/, ''),
          }
        : undefined,
  };
}
