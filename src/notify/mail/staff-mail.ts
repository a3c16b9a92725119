import { and, eq, gt } from 'drizzle-orm';
import { mailMessages, organisations, specialists } from '../../../db/schema';
import type { Locale } from '../../i18n/messages';
import { fill } from '../../i18n/messages';
import { staffMailMessages } from '../../i18n/staff-mail';
import { type Db, writeTransaction } from '../../services/platform/context';
import { queueMail } from './outbox';

const escapeHtml = (s: string) =>
  s.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c,
  );

/**
 * One short staff email: a greeting, a paragraph, one button-like link (and the address written out,
 * for mail programs that show no links), an optional closing line. HTML and the same as plain text;
 * readable without images or styles; names are escaped and isolated (bdi) in the HTML.
 */
export function renderStaffMail(input: {
  locale: Locale;
  subject: string;
  hello: string;
  body: string;
  button: string;
  url: string;
  closing?: string;
  brand?: string;
}) {
  const t = staffMailMessages[input.locale];
  const brand = input.brand && /^#[0-9a-f]{6}$/i.test(input.brand) ? input.brand : '#1d4ed8';
  const html = `<!doctype html><html lang="${input.locale}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width"><title>${escapeHtml(input.subject)}</title></head>
<body style="font-family:system-ui,sans-serif;line-height:1.5;color:#111;max-width:36rem;margin:0 auto;padding:1rem">
<p>${escapeHtml(input.hello)}</p>
<p>${escapeHtml(input.body)}</p>
<p><a href="${escapeHtml(input.url)}" style="display:inline-block;background:${brand};color:#fff;padding:.6rem 1rem;border-radius:.4rem;text-decoration:none;font-weight:600">${escapeHtml(input.button)}</a></p>
<p style="font-size:.9em">${escapeHtml(t.linkText)}<br><span style="word-break:break-all">${escapeHtml(input.url)}</span></p>
${input.closing ? `<p style="font-size:.9em;color:#444">${escapeHtml(input.closing)}</p>` : ''}
</body></html>`;
  const text = [input.hello, '', input.body, '', `${input.button}: ${input.url}`, '', input.closing ?? '']
    .join('\n')
    .trim();
  return { html: `${html}\n`, text: `${text}\n` };
}

/** Password reset requests to one address within this time send one email (no mail bombing). */
const RESET_MAIL_GAP_MS = 5 * 60_000;

/**
 * better-auth's `sendResetPassword`: queues the reset email (kind `password_reset`) for the user's
 * organisation, in the requester's language, with a link to our own page (better-auth's handler is not
 * exposed). A user without a specialist, or one emailed in the last five minutes, gets nothing.
 */
export async function queuePasswordReset(
  db: Db,
  input: {
    userId: string;
    email: string;
    name: string;
    token: string;
    locale: Locale;
    publicUrl: string;
    now: number;
  },
): Promise<void> {
  await writeTransaction(db, async (tx) => {
    const [member] = await tx
      .select({ organisationId: specialists.organisationId, brand: organisations.brandColor })
      .from(specialists)
      .innerJoin(organisations, eq(organisations.id, specialists.organisationId))
      .where(eq(specialists.userId, input.userId));
    if (!member) return;
    const [recent] = await tx
      .select({ id: mailMessages.id })
      .from(mailMessages)
      .where(
        and(
          eq(mailMessages.organisationId, member.organisationId),
          eq(mailMessages.recipient, input.email.toLowerCase()),
          eq(mailMessages.kind, 'password_reset'),
          gt(mailMessages.createdAt, input.now - RESET_MAIL_GAP_MS),
        ),
      )
      .limit(1);
    if (recent) return;
    const t = staffMailMessages[input.locale].reset;
    const url = `${input.publicUrl}/console/reset-password?token=${encodeURIComponent(input.token)}`;
    const rendered = renderStaffMail({
      locale: input.locale,
      subject: t.subject,
      hello: fill(t.hello, { name: input.name }),
      body: fill(t.body, { email: input.email }),
      button: t.button,
      url,
      closing: t.ignore,
      brand: member.brand,
    });
    await queueMail(
      tx,
      {
        organisationId: member.organisationId,
        recipient: input.email,
        locale: input.locale,
        kind: 'password_reset',
        subject: t.subject,
        ...rendered,
      },
      input.now,
    );
  });
}

/** The invitation email, queued in the invitation's own transaction (kind `invitation`). */
export async function queueInvitation(
  tx: Db,
  input: {
    organisationId: string;
    email: string;
    name: string;
    role: string;
    inviter: string;
    url: string;
    days: number;
    now: number;
  },
): Promise<void> {
  const [org] = await tx.select().from(organisations).where(eq(organisations.id, input.organisationId));
  if (!org) return;
  const locale = org.defaultLocale;
  const t = staffMailMessages[locale].invite;
  const values = {
    inviter: input.inviter,
    org: org.name,
    name: input.name,
    role: input.role,
    days: input.days,
  };
  const subject = fill(t.subject, values);
  await queueMail(
    tx,
    {
      organisationId: org.id,
      recipient: input.email,
      locale,
      kind: 'invitation',
      subject,
      ...renderStaffMail({
        locale,
        subject,
        hello: fill(t.hello, values),
        body: fill(t.body, values),
        button: t.button,
        url: input.url,
        brand: org.brandColor,
      }),
    },
    input.now,
  );
}
