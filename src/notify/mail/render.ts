import { formatters } from '../../i18n/format';
import { type MailMessages, mailMessages } from '../../i18n/mail';
import { fill, type Locale } from '../../i18n/messages';

/** One moment a customer hears about; several of one job become one message. */
export type Moment =
  | { kind: 'tracker_link' }
  | { kind: 'started' | 'finished'; step: string }
  | { kind: 'promise'; step: string; at: number | null }
  /** A booked moment made, moved or cancelled; its calendar file goes with the message. */
  | {
      kind: 'booking';
      change: 'made' | 'moved' | 'cancelled';
      step: string;
      startsAt: number;
      endsAt: number;
      reason: string | null;
    }
  | { kind: 'answer'; question: string; answer: string; by: string | null }
  | { kind: 'approval'; item: string; amountCents: number }
  /** An invoice or credit note issued: its PDF goes with the message (read from its row when sent). */
  | { kind: 'invoice'; credit: boolean; number: string; grossCents: number; paymentUrl: string | null }
  /** A document or the quote waits for the customer's sign-off; the button opens its page. */
  | { kind: 'signoff'; subject: 'document' | 'quote'; signoffId: string }
  | { kind: 'done' };

export type MailOrganisation = {
  name: string;
  logoUrl: string | null;
  brandColor: string;
  timeZone: string;
  currency: string;
};

export type CustomerMailInput = {
  locale: Locale;
  org: MailOrganisation;
  job: { reference: string; title: string; customerName: string };
  /** The tracker link; without it (no sealed token) the message has no buttons. */
  trackerUrl: string | null;
  unsubscribeUrl: string;
  /** Whether replies reach the job (a reply address is set). */
  replies: boolean;
  moments: Moment[];
  now: number;
};

export type StaffMailInput = {
  locale: Locale;
  org: MailOrganisation;
  job: { reference: string; title: string };
  jobUrl: string;
  what:
    | { kind: 'question'; question: string }
    | { kind: 'decision'; approved: boolean; item: string }
    | { kind: 'feedback'; score: number; comment: string | null };
};

export type Rendered = { subject: string; html: string; text: string };

const ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};
const esc = (s: string) => s.replace(/[&<>"']/g, (c) => ESCAPES[c] as string);

/** Intl formatters are costly to build: one set per locale, zone and currency. */
const formatterCache = new Map<string, ReturnType<typeof formatters>>();
function formatFor(locale: Locale, org: MailOrganisation) {
  const key = `${locale}|${org.timeZone}|${org.currency}`;
  let found = formatterCache.get(key);
  if (!found) {
    found = formatters({ locale, timeZone: org.timeZone, currency: org.currency });
    if (formatterCache.size > 200) formatterCache.clear();
    formatterCache.set(key, found);
  }
  return found;
}

/** Relative luminance (WCAG 2) of a #rrggbb colour. */
function luminance(hex: string): number {
  const [r, g, b] = [1, 3, 5].map((i) => {
    const c = Number.parseInt(hex.slice(i, i + 2), 16) / 255;
    return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  }) as [number, number, number];
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}
const contrast = (a: number, b: number) => (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);

/** The brand colour and the text colour (white or near-black) that reads best on it (≥ 4.5:1). */
export function brandColours(color: string): { brand: string; on: string } {
  const brand = /^#[0-9a-f]{6}$/i.test(color) ? color.toLowerCase() : '#1d4ed8';
  const l = luminance(brand);
  return { brand, on: contrast(l, 1) >= contrast(l, luminance('#18181b')) ? '#ffffff' : '#18181b' };
}

/** Only an absolute http(s) logo is shown; a relative one is made absolute against the public URL. */
function logoSource(logoUrl: string | null, publicUrl: string): string | null {
  if (!logoUrl) return null;
  try {
    const url = new URL(logoUrl, `${publicUrl}/`);
    return url.protocol === 'https:' || url.protocol === 'http:' ? url.href : null;
  } catch {
    return null;
  }
}

type Block = { html: string; text: string };
const paragraph = (s: string): Block => ({ html: `<p style="margin:0 0 16px">${esc(s)}</p>`, text: s });
const quote = (s: string): Block => ({
  html: `<blockquote style="margin:0 0 16px;padding:8px 16px;border-left:4px solid #a1a1aa;white-space:pre-wrap">${esc(s)}</blockquote>`,
  text: s
    .split('\n')
    .map((line) => `> ${line}`)
    .join('\n'),
});
const button = (label: string, href: string, colours: { brand: string; on: string }): Block => ({
  html: `<p style="margin:0 0 16px"><a href="${esc(href)}" style="display:inline-block;background:${colours.brand};color:${colours.on};padding:12px 20px;border-radius:6px;text-decoration:none;font-weight:600">${esc(label)}</a></p>`,
  text: `${label}: ${href}`,
});

/** The frame around every message: organisation on top (logo with its name as text), content, footer. */
function frame(
  locale: Locale,
  subject: string,
  org: MailOrganisation,
  publicUrl: string,
  blocks: Block[],
  footer: Block,
): Rendered {
  const colours = brandColours(org.brandColor);
  const logo = logoSource(org.logoUrl, publicUrl);
  const heading = logo
    ? `<img src="${esc(logo)}" alt="${esc(org.name)}" height="40" style="display:block;height:40px;width:auto;border:0;font-size:20px;font-weight:700;color:#18181b">`
    : `<span style="font-size:20px;font-weight:700">${esc(org.name)}</span>`;
  const html = `<!doctype html>
<html lang="${locale}" dir="ltr">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light">
<title>${esc(subject)}</title>
</head>
<body style="margin:0;padding:0;background:#f4f4f5;color:#18181b;font-family:system-ui,-apple-system,'Segoe UI',Roboto,Arial,sans-serif;font-size:16px;line-height:1.5">
<div role="article" aria-roledescription="email" aria-label="${esc(subject)}" lang="${locale}" style="max-width:600px;margin:0 auto;padding:24px 12px">
<header style="background:#ffffff;border-top:6px solid ${colours.brand};padding:16px 24px">${heading}</header>
<main style="background:#ffffff;padding:16px 24px 8px">
${blocks.map((b) => b.html).join('\n')}
</main>
<footer style="padding:16px 24px;font-size:14px;color:#52525b">
${footer.html}
</footer>
</div>
</body>
</html>
`;
  const text = `${org.name}\n\n${blocks.map((b) => b.text).join('\n\n')}\n\n-- \n${footer.text}\n`;
  return { subject, html, text };
}

const linkTo = (url: string | null, anchor: string) => (url ? `${url}#${anchor}` : null);

/** A customer's message: one or more moments of one job, in their language. */
export function renderCustomerMail(input: CustomerMailInput, publicUrl: string): Rendered {
  const m = mailMessages[input.locale];
  const f = formatFor(input.locale, input.org);
  const org = input.org.name;
  const { reference } = input.job;
  const colours = brandColours(input.org.brandColor);
  const blocks: Block[] = [paragraph(fill(m.greeting, { name: input.job.customerName }))];
  const has = (kind: Moment['kind']) => input.moments.some((x) => x.kind === kind);
  for (const moment of input.moments) blocks.push(...momentBlocks(m, moment, f, input, colours));
  // One button to the tracker, unless a moment already gave a more precise one.
  if (input.trackerUrl && !has('tracker_link') && !has('approval') && !has('signoff') && !has('done')) {
    blocks.push(button(m.viewButton, input.trackerUrl, colours));
  }
  if (input.replies) blocks.push(paragraph(m.replyHint));
  const footerText = fill(m.footer, { org, reference });
  const prefs = linkTo(input.trackerUrl, 'notify-heading');
  const footer: Block = {
    html: `<p style="margin:0">${esc(footerText)} ${prefs ? `<a href="${esc(prefs)}" style="color:#1d4ed8">${esc(input.trackerUrl ?? '')}</a> · ` : ''}<a href="${esc(input.unsubscribeUrl)}" style="color:#1d4ed8">${esc(m.unsubscribe)}</a></p>`,
    text: `${footerText}\n${prefs ? `${prefs}\n` : ''}${m.unsubscribe}: ${input.unsubscribeUrl}`,
  };
  return frame(input.locale, subjectOf(m, input), input.org, publicUrl, blocks, footer);
}

function subjectOf(m: MailMessages, input: CustomerMailInput): string {
  const org = input.org.name;
  const { reference, title } = input.job;
  const kinds = new Set(input.moments.map((x) => x.kind));
  if (kinds.has('signoff')) return fill(m.subject.signoff, { org, title });
  if (kinds.has('approval')) return fill(m.subject.approval, { org, title });
  if (kinds.has('tracker_link')) return fill(m.subject.trackerLink, { org, reference });
  if (kinds.has('done')) return fill(m.subject.done, { org, title });
  if (kinds.has('invoice')) return fill(m.subject.invoice, { org, title });
  const [only] = input.moments;
  if (input.moments.length === 1 && only) {
    if (only.kind === 'started') return fill(m.subject.started, { org, step: only.step });
    if (only.kind === 'finished') return fill(m.subject.finished, { org, step: only.step });
    if (only.kind === 'promise') return fill(m.subject.promise, { org, title });
    if (only.kind === 'booking')
      return fill(only.change === 'cancelled' ? m.subject.bookingCancelled : m.subject.booking, {
        org,
        step: only.step,
      });
    if (only.kind === 'answer') return fill(m.subject.answer, { org });
  }
  return fill(m.subject.update, { org, title });
}

function momentBlocks(
  m: MailMessages,
  moment: Moment,
  f: ReturnType<typeof formatters>,
  input: CustomerMailInput,
  colours: { brand: string; on: string },
): Block[] {
  const { reference, title } = input.job;
  const org = input.org.name;
  switch (moment.kind) {
    case 'tracker_link':
      return [
        paragraph(fill(m.trackerLink, { org, title, reference })),
        ...(input.trackerUrl ? [button(m.trackerButton, input.trackerUrl, colours)] : []),
      ];
    case 'started':
      return [paragraph(fill(m.started, { step: moment.step }))];
    case 'finished':
      return [paragraph(fill(m.finished, { step: moment.step }))];
    case 'promise':
      return [
        paragraph(
          moment.at === null
            ? fill(m.promiseUnknown, { step: moment.step })
            : fill(m.promise, { step: moment.step, time: f.when(moment.at, input.now) }),
        ),
      ];
    case 'booking': {
      const text = { made: m.bookingMade, moved: m.bookingMoved, cancelled: m.bookingCancelled }[
        moment.change
      ];
      const time = `${f.day(moment.startsAt)} ${f.when(moment.startsAt, moment.startsAt)}–${f.when(moment.endsAt, moment.startsAt)}`;
      return [
        paragraph(fill(text, { step: moment.step, time })),
        ...(moment.reason ? [paragraph(fill(m.bookingReason, { reason: moment.reason }))] : []),
      ];
    }
    case 'answer':
      return [
        paragraph(
          moment.by
            ? fill(m.answer, { name: moment.by, question: moment.question })
            : fill(m.answerNoName, { question: moment.question }),
        ),
        quote(moment.answer),
      ];
    case 'approval': {
      const link = linkTo(input.trackerUrl, 'approvals-heading');
      return [
        paragraph(fill(m.approval, { item: moment.item, amount: f.money(moment.amountCents) })),
        ...(link ? [button(m.approvalButton, link, colours)] : []),
      ];
    }
    case 'signoff': {
      // The sign-off page itself, found from the tracker link (`?signoff=` redirects to it).
      const link = input.trackerUrl
        ? `${input.trackerUrl}?signoff=${encodeURIComponent(moment.signoffId)}`
        : null;
      return [
        paragraph(moment.subject === 'quote' ? m.signoffQuote : m.signoffDocument),
        ...(link ? [button(m.signoffButton, link, colours)] : []),
      ];
    }
    case 'invoice':
      return [
        paragraph(
          fill(moment.credit ? m.creditNote : m.invoice, {
            number: moment.number,
            amount: f.money(Math.abs(moment.grossCents)),
          }),
        ),
        ...(moment.paymentUrl && !moment.credit && moment.grossCents > 0
          ? [button(m.payButton, moment.paymentUrl, colours)]
          : []),
      ];
    case 'done': {
      const link = linkTo(input.trackerUrl, 'rate-heading');
      return [
        paragraph(fill(m.done, { title })),
        paragraph(m.rateAsk),
        ...(link ? [button(m.rateButton, link, colours)] : []),
      ];
    }
  }
}

/** A staff member's message: a question or a customer's decision for them. */
export function renderStaffMail(input: StaffMailInput, publicUrl: string): Rendered {
  const m = mailMessages[input.locale];
  const { reference, title } = input.job;
  const colours = brandColours(input.org.brandColor);
  const { what } = input;
  const blocks: Block[] =
    what.kind === 'question'
      ? [paragraph(fill(m.staffQuestion, { reference, title })), quote(what.question)]
      : what.kind === 'feedback'
        ? [
            paragraph(fill(m.staffFeedback, { reference, title, score: what.score })),
            ...(what.comment ? [quote(what.comment)] : []),
            paragraph(m.staffFeedbackAsk),
          ]
        : [
            paragraph(
              fill(what.approved ? m.staffApproved : m.staffDeclined, {
                item: what.item,
                reference,
              }),
            ),
          ];
  blocks.push(
    button(m.staffButton, what.kind === 'feedback' ? `${input.jobUrl}#feedback` : input.jobUrl, colours),
  );
  const subject = fill(
    what.kind === 'question'
      ? m.subject.staffQuestion
      : what.kind === 'feedback'
        ? m.subject.staffFeedback
        : m.subject.staffDecision,
    { reference, score: what.kind === 'feedback' ? what.score : 0 },
  );
  return frame(
    input.locale,
    subject,
    input.org,
    publicUrl,
    blocks,
    paragraph(fill(m.staffFooter, { org: input.org.name })),
  );
}
