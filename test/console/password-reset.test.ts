import { eq } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { mailMessages } from '../../db/schema';
import { consoleClient, signedUpAdmin } from '../console-client';
import { roleIdFor } from '../helpers';
import { startMailbox } from '../mailbox';
import { startProduct } from '../server';

let product: Awaited<ReturnType<typeof startProduct>>;
let mailbox: Awaited<ReturnType<typeof startMailbox>>;
let admin: Awaited<ReturnType<typeof signedUpAdmin>>;

/** The first link in a plain-text email that contains `path`. */
const linkIn = (text: string, path: string) =>
  text.match(/https?:\/\/\S+/g)?.find((url) => url.includes(path)) ?? null;

beforeAll(async () => {
  mailbox = await startMailbox();
  product = await startProduct({ SMTP_URL: mailbox.url, MAIL_FROM: 'console@mail.test' });
  admin = await signedUpAdmin(product.url, product.rt, 'Garage Wachtwoord', 'nl');
});

describe('password reset by email', () => {
  let link: string;

  it('answers the same for an address with and without an account, and emails only the first', async () => {
    const signIn = await consoleClient(product.url).get('/console/sign-in');
    expect(signIn.text).toContain('href="/console/forgot-password"');
    const visitor = consoleClient(product.url);
    const known = await visitor.post('/console/forgot-password', { email: admin.email.toUpperCase() });
    const unknown = await visitor.post('/console/forgot-password', { email: 'nobody@example.test' });
    expect(known.status).toBe(200);
    expect(unknown.status).toBe(200);
    const said = (html: string, email: string) => html.replaceAll(email, '…');
    expect(said(unknown.text, 'nobody@example.test')).toBe(said(known.text, admin.email.toUpperCase()));
    const [message] = await mailbox.waitFor(1);
    expect(message?.envelope.to).toEqual([admin.email]);
    expect(message?.parsed.subject).toBe('Set a new password for Open Kitchen');
    link = linkIn(message?.parsed.text ?? '', '/console/reset-password?token=') ?? '';
    expect(link).toMatch(/^http:\/\/127\.0\.0\.1(:\d+)?\/console\/reset-password\?token=[A-Za-z0-9_-]+$/);
    expect(message?.parsed.html).toContain(`href="${link}"`);
    const outbox = await product.rt.database.db
      .select({ recipient: mailMessages.recipient })
      .from(mailMessages)
      .where(eq(mailMessages.kind, 'password_reset'));
    expect(outbox).toEqual([{ recipient: admin.email }]);
  });

  it('sets a new password through the link, ends every session, and signs in with it', async () => {
    const path = new URL(link).pathname + new URL(link).search;
    const visitor = consoleClient(product.url);
    const page = await visitor.get(path);
    expect(page.status).toBe(200);
    expect(page.text).toContain('autocomplete="new-password"');
    const mismatch = await visitor.post(path, {
      password: 'a brand new password',
      confirm: 'another one entirely',
    });
    expect(mismatch.status).toBe(422);
    const short = await visitor.post(path, { password: 'short', confirm: 'short' });
    expect(short.status).toBe(422);
    const done = await visitor.post(path, {
      password: 'a brand new password',
      confirm: 'a brand new password',
    });
    expect([done.status, done.location]).toEqual([303, '/console/sign-in?reset=1']);
    // The session from before the reset no longer works.
    expect((await admin.client.get('/console/')).status).toBe(303);
    const old = await consoleClient(product.url).post('/console/sign-in', {
      email: admin.email,
      password: 'a password of some length',
    });
    expect(old.status).toBe(422);
    const fresh = await consoleClient(product.url).post('/console/sign-in', {
      email: admin.email,
      password: 'a brand new password',
    });
    expect([fresh.status, fresh.location]).toEqual([303, '/console/']);
  });

  it('cannot use the same link twice', async () => {
    const path = new URL(link).pathname + new URL(link).search;
    const visitor = consoleClient(product.url);
    const page = await visitor.get(path);
    expect(page.status).toBe(410);
    expect(page.text).toContain('href="/console/forgot-password"');
    const again = await visitor.post(path, {
      password: 'yet another password',
      confirm: 'yet another password',
    });
    expect(again.status).toBe(422);
    const signIn = await consoleClient(product.url).post('/console/sign-in', {
      email: admin.email,
      password: 'yet another password',
    });
    expect(signIn.status).toBe(422);
  });

  it('limits how often a reset may be asked for', async () => {
    const visitor = consoleClient(product.url);
    const statuses: number[] = [];
    for (let i = 0; i < 8; i++)
      statuses.push(
        (await visitor.post('/console/forgot-password', { email: `someone${i}@example.test` })).status,
      );
    expect(statuses).toContain(429);
    expect(statuses.filter((s) => s !== 200 && s !== 429)).toEqual([]);
  });
});

describe('invitations by email', () => {
  it('emails the invitation with its link, which opens the invitation page', async () => {
    const client = consoleClient(product.url);
    await client.post('/console/sign-in', { email: admin.email, password: 'a brand new password' });
    const before = mailbox.received.length;
    const invited = await client.post('/console/team', {
      _action: 'invite',
      email: 'Collega@Example.test',
      name: 'Kees Collega',
      roleId: await roleIdFor(admin.ctx, 'Monteur'),
      permission: 'specialist',
    });
    expect(invited.status).toBe(200);
    expect(invited.text).not.toContain('href="mailto:');
    expect(invited.text).toContain('We hebben de uitnodiging naar collega@example.test gemaild.');
    const [message] = (await mailbox.waitFor(before + 1)).slice(before);
    expect(message?.envelope.to).toEqual(['collega@example.test']);
    expect(message?.parsed.subject).toMatch(/nodigt u uit voor Garage Wachtwoord/);
    const url = linkIn(message?.parsed.text ?? '', '/console/invite/') ?? '';
    expect(invited.text).toContain(url);
    const page = await consoleClient(product.url).get(new URL(url).pathname);
    expect(page.status).toBe(200);
  });
});
