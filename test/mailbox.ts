import { type AddressInfo, createServer, Socket } from 'node:net';
import { type ParsedMail, simpleParser } from 'mailparser';
import { SMTPServer, type SMTPServerOptions } from 'smtp-server';
import { afterAll } from 'vitest';
import { loadConfig } from '../src/config';
import { collectMailMoments, flushCustomerMail } from '../src/notify/mail/customer';
import { sendDueMail, smtpTransport } from '../src/notify/mail/sender';
import { mailWorkOptions } from '../src/runtime';
import { eventually, fakeClock, testRuntime } from './helpers';
import { startProduct } from './server';

/** One message the test mailbox received: the parsed message, its envelope and its raw bytes. */
export type Received = {
  parsed: ParsedMail;
  raw: Buffer;
  envelope: { from: string; to: string[] };
  /** Header lookup by lower-case name, as the message carried it (`list-unsubscribe-post`, …). */
  header(name: string): string | undefined;
};

/**
 * How the mailbox answers. `rcpt` and `data` may return an SMTP error (code + message) to refuse, e.g.
 * `{ code: 450, message: 'try later' }` or `{ code: 550, message: 'no such user' }`; nothing: accept.
 */
export type MailboxRules = {
  rcpt?: (address: string) => { code: number; message: string } | undefined;
  data?: (raw: Buffer) => { code: number; message: string } | undefined;
};

/**
 * A real SMTP server on 127.0.0.1 (port 0) for tests: our sender talks SMTP to it, it parses what it
 * receives with mailparser and keeps it. `url` is what SMTP_URL should be; `waitFor(n)` resolves once n
 * messages arrived. Stopped after the test file; `stop()` stops it sooner.
 */
export async function startMailbox(rules: MailboxRules = {}, options: Partial<SMTPServerOptions> = {}) {
  const received: Received[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    hideSTARTTLS: true,
    logger: false,
    size: 30 * 1024 * 1024,
    onRcptTo(address, _session, callback) {
      const refused = rules.rcpt?.(address.address);
      if (refused) return callback(Object.assign(new Error(refused.message), { responseCode: refused.code }));
      callback();
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        const raw = Buffer.concat(chunks);
        const refused = rules.data?.(raw);
        if (refused)
          return callback(Object.assign(new Error(refused.message), { responseCode: refused.code }));
        simpleParser(raw).then(
          (parsed) => {
            received.push({
              parsed,
              raw,
              envelope: {
                from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
                to: session.envelope.rcptTo.map((r) => r.address),
              },
              header: (name) => {
                const value = parsed.headerLines.find((h) => h.key === name.toLowerCase())?.line;
                return value
                  ?.slice(value.indexOf(':') + 1)
                  .replace(/\r?\n[ \t]+/g, ' ')
                  .trim();
              },
            });
            callback();
          },
          (error: Error) => callback(error),
        );
      });
    },
    ...options,
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.server.address() as AddressInfo;
  let stopped = false;
  const stop = () =>
    stopped
      ? Promise.resolve()
      : new Promise<void>((resolve) => {
          stopped = true;
          server.close(() => resolve());
        });
  afterAll(stop);
  return {
    url: `smtp://127.0.0.1:${port}`,
    port,
    received,
    /** Resolves with the messages once at least `count` arrived. */
    async waitFor(count: number): Promise<Received[]> {
      await eventually(() => received.length >= count);
      return received;
    },
    /** Messages for one recipient (lower case compared). */
    to: (address: string) =>
      received.filter((m) => m.envelope.to.some((t) => t.toLowerCase() === address.toLowerCase())),
    stop,
  };
}

export type Mailbox = Awaited<ReturnType<typeof startMailbox>>;

const MINUTE = 60_000;

/**
 * The customer mail work of a test runtime on a fake clock, sending to a test mailbox over real SMTP: the
 * cursor is made at the log's end before anything happens; `pass()` runs one pass (collect, flush, send) at
 * the clock's time, `work()` first moves past the gap between a job's messages. Close `transport` at the end
 * of the test.
 */
export async function startMailWork(clock = fakeClock()) {
  const mail = {
    ...loadConfig({}).mail,
    inboundDomain: 'mail.test',
    coalesceMs: 2 * MINUTE,
    minGapMs: 10 * MINUTE,
  };
  const rt = await testRuntime({ clock, config: { mail } });
  const mailbox = await startMailbox();
  const transport = smtpTransport(mailbox.url);
  const options = mailWorkOptions(rt.config);
  const db = rt.database.db;
  await collectMailMoments({ db, clock }, options);
  /** One pass of the mail work at the clock's time: collect, flush what is due, send everything due. */
  const pass = async () => {
    while ((await collectMailMoments({ db, clock }, options)) > 0) {}
    while ((await flushCustomerMail({ db, clock }, options)) > 0) {}
    while ((await sendDueMail(db, clock, transport, 'tracker@mail.test')) > 0) {}
  };
  const work = async () => {
    clock.advance(11 * MINUTE);
    await pass();
  };
  return { rt, clock, mailbox, transport, options, pass, work };
}

/** The domain of the reply addresses in products started by `startProductWithMail`. */
export const REPLY_DOMAIN = 'replies.test';

/**
 * The product with mail both ways on loopback: what it sends goes to a test mailbox over real SMTP, and
 * its own reply listener (INBOUND_SMTP_PORT) takes mail on `smtpPort` once this resolves. `env` adds to
 * or overrides the product's environment.
 */
export async function startProductWithMail(env: Record<string, string> = {}) {
  const mailbox = await startMailbox();
  const smtpPort = await freePort();
  const product = await startProduct({
    INBOUND_SMTP_PORT: String(smtpPort),
    INBOUND_DOMAIN: REPLY_DOMAIN,
    SMTP_URL: mailbox.url,
    ...env,
  });
  await eventually(() => accepts(smtpPort), 50);
  return { product, mailbox, smtpPort };
}

const freePort = () =>
  new Promise<number>((resolve) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });

const accepts = (port: number) =>
  new Promise<boolean>((resolve) => {
    const socket = new Socket();
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
    socket.connect(port, '127.0.0.1');
  });
