import { fork } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import nodemailer from 'nodemailer';
import { openDatabase } from '../db/client';
import { migrateDatabase } from '../db/migrate';
import { organisations } from '../db/schema';
import { collectMailMoments, flushCustomerMail, type MailWorkOptions } from '../src/notify/mail/customer';
import { renderCustomerMail } from '../src/notify/mail/render';
import { sendDueMail, smtpTransport } from '../src/notify/mail/sender';
import { createJob } from '../src/services/jobs/create-job';
import { type Ctx, systemClock } from '../src/services/platform/context';
import { newId } from '../src/services/platform/ids';
import { loadSecrets } from '../src/services/platform/secrets';

/**
 * Email throughput: our whole path — the log followed into pending moments, each job's message rendered
 * (Dutch HTML + text) and queued in the outbox, then claimed, handed to SMTP and marked sent — against
 * nodemailer's own pooled transport sending the same number of already-rendered messages to the same
 * local SMTP server (another process, `smtp-receiver.ts`), with the same pool settings. The ratio is
 * our overhead: rendering, the outbox's writes and the claims.
 */
const MESSAGES = Number(process.env.MAIL_MESSAGES ?? 400);

export async function runMail() {
  mkdirSync('bench/tmp', { recursive: true });
  const file = `bench/tmp/mail-${process.pid}.db`;
  rmSync(file, { force: true });
  const receiver = fork('bench/smtp-receiver.ts', { execArgv: ['--import', 'tsx'] });
  const port = await new Promise<number>((resolve) =>
    receiver.once('message', (m: { port: number }) => resolve(m.port)),
  );
  const url = `smtp://127.0.0.1:${port}`;
  const database = await openDatabase(`file:${file}`);
  await migrateDatabase(database.db);
  await loadSecrets(database.db);
  const { db } = database;
  const options: MailWorkOptions = {
    publicUrl: 'http://tracker.test',
    inboundDomain: 'mail.test',
    replyAddressDays: 180,
    coalesceMs: 0,
    minGapMs: 0,
  };
  const organisationId = newId('org');
  await db
    .insert(organisations)
    .values({ id: organisationId, slug: 'bench', name: 'Garage Bench', createdAt: Date.now() });
  const ctx: Ctx = { db, clock: systemClock, organisationId, actor: { type: 'system', id: null } };
  await collectMailMoments({ db, clock: systemClock }, options); // the cursor starts at the end of the log
  let counter = 0;
  const jobs = async (n: number) => {
    for (let i = 0; i < n; i++) {
      await createJob(ctx, {
        reference: `B-${++counter}`,
        title: 'APK + kleine beurt',
        customer: { name: 'Sanne de Vries', email: `klant${counter}@example.nl`, locale: 'nl' },
        steps: [{ title: 'Intake' }, { title: 'Keuring' }],
      });
    }
  };

  const ours = async (n: number) => {
    await jobs(n);
    const transport = smtpTransport(url);
    const start = performance.now();
    while ((await collectMailMoments({ db, clock: systemClock }, options)) > 0) {}
    const collected = performance.now();
    while ((await flushCustomerMail({ db, clock: systemClock }, options)) > 0) {}
    const flushed = performance.now();
    let sent = 0;
    while (sent < n) sent += await sendDueMail(db, systemClock, transport, 'tracker@mail.test');
    if (process.env.MAIL_PHASES)
      console.log({
        collect: collected - start,
        flush: flushed - collected,
        send: performance.now() - flushed,
      });
    const seconds = (performance.now() - start) / 1000;
    transport.close();
    return n / seconds;
  };

  // The same message, rendered once, sent by nodemailer alone with the same pool.
  const rendered = renderCustomerMail(
    {
      locale: 'nl',
      org: {
        name: 'Garage Bench',
        logoUrl: null,
        brandColor: '#1d4ed8',
        timeZone: 'Europe/Amsterdam',
        currency: 'EUR',
      },
      job: { reference: 'B-0', title: 'APK + kleine beurt', customerName: 'Sanne de Vries' },
      trackerUrl: 'http://tracker.test/t/abcdefghijklmnopqrstuvwxyz012345',
      unsubscribeUrl: 'http://tracker.test/mail/unsubscribe/x.y',
      replies: true,
      moments: [{ kind: 'tracker_link' }],
      now: Date.now(),
    },
    'http://tracker.test',
  );
  const baseline = async (n: number) => {
    const transport = nodemailer.createTransport({ url, pool: true, maxConnections: 3 });
    const start = performance.now();
    await Promise.all(
      Array.from({ length: n }, (_, i) =>
        transport.sendMail({
          from: { name: 'Garage Bench', address: 'tracker@mail.test' },
          to: `klant${i}@example.nl`,
          subject: rendered.subject,
          html: rendered.html,
          text: rendered.text,
        }),
      ),
    );
    const seconds = (performance.now() - start) / 1000;
    transport.close();
    return n / seconds;
  };

  // Warm up both, then alternate two rounds each and keep the best of each side.
  await baseline(50);
  await ours(50);
  const results = { ours: 0, baseline: 0 };
  for (let round = 0; round < 2; round++) {
    results.baseline = Math.max(results.baseline, await baseline(MESSAGES));
    results.ours = Math.max(results.ours, await ours(MESSAGES));
  }
  database.close();
  receiver.disconnect();
  rmSync(file, { force: true });
  for (const suffix of ['-wal', '-shm']) rmSync(`${file}${suffix}`, { force: true });
  return { messages: MESSAGES, oursPerSecond: results.ours, baselinePerSecond: results.baseline };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const r = await runMail();
  console.log(
    `email: ours ${r.oursPerSecond.toFixed(0)}/s, nodemailer alone ${r.baselinePerSecond.toFixed(0)}/s, ratio ×${(r.oursPerSecond / r.baselinePerSecond).toFixed(2)} (${r.messages} messages)`,
  );
}
