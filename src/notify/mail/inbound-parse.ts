import { createHash } from 'node:crypto';
import EmailReplyParser from 'email-reply-parser';
import { type AddressObject, simpleParser } from 'mailparser';
import { stripBidiControls } from '../../services/platform/bidi';
import { INBOUND_LIMITS } from './limits';

/**
 * Reading an inbound email (a customer's reply to one of our messages) into what a question needs:
 * who sent it, which of our messages it answers, its own words (quoted history and signature left
 * out) and its images. Pure: no database.
 */

export { INBOUND_LIMITS };

export type InboundMail = {
  from: string;
  /** Every address the message was sent to (To, Cc, and the delivery headers providers add). */
  recipients: string[];
  /** Ours or made up from the content when missing (for storing a message once). */
  messageId: string;
  subject: string;
  /** In-Reply-To first, then References newest first: which earlier messages it answers. */
  references: string[];
  /** The sender's own words. */
  text: string;
  images: { contentType: string; content: Buffer }[];
  attachmentCount: number;
  /** Sent by a machine (a vacation reply, a list, a bounce): RFC 3834 Auto-Submitted, Precedence and kin. */
  automatic: boolean;
};

export type ParseProblem = 'unreadable' | 'too_many_attachments';

const parser = new EmailReplyParser();

const addresses = (field: AddressObject | AddressObject[] | undefined): string[] =>
  (Array.isArray(field) ? field : field ? [field] : [])
    .flatMap((a) => a.value)
    .flatMap((v) => (v.address ? [v.address.toLowerCase()] : []));

const ids = (value: string | string[] | undefined): string[] =>
  (Array.isArray(value) ? value : value ? value.split(/\s+/) : [])
    .map((v) => v.trim())
    .filter((v) => /^<[^<>\s]{1,900}>$/.test(v));

export async function parseInboundMail(
  raw: Buffer,
): Promise<{ ok: true; mail: InboundMail } | { ok: false; problem: ParseProblem }> {
  // A message is headers, an empty line, a body: without that separator it is not one.
  const head = raw.subarray(0, 256 * 1024).toString('latin1');
  if (!/\r?\n\r?\n/.test(head) || !/^[\x21-\x39\x3b-\x7e]+:/.test(head)) {
    return { ok: false, problem: 'unreadable' };
  }
  let parsed: Awaited<ReturnType<typeof simpleParser>>;
  try {
    parsed = await simpleParser(raw, {
      skipImageLinks: true,
      skipTextLinks: true,
      maxHtmlLengthToParse: 2_000_000,
    });
  } catch {
    return { ok: false, problem: 'unreadable' };
  }
  const from = addresses(parsed.from)[0];
  if (!from) return { ok: false, problem: 'unreadable' };
  if (parsed.attachments.length > INBOUND_LIMITS.attachments)
    return { ok: false, problem: 'too_many_attachments' };
  const delivered = ['delivered-to', 'x-original-to', 'envelope-to']
    .flatMap((name) => {
      const value = parsed.headers.get(name);
      return Array.isArray(value) ? value : value ? [value] : [];
    })
    .map((v) => String(v).trim().toLowerCase());
  const references = [...ids(parsed.inReplyTo), ...ids(parsed.references).reverse()];
  const messageId =
    ids(parsed.messageId)[0] ??
    `<${createHash('sha256').update(raw).digest('hex').slice(0, 40)}@inbound.invalid>`;
  return {
    ok: true,
    mail: {
      from,
      recipients: [...new Set([...delivered, ...addresses(parsed.to), ...addresses(parsed.cc)])],
      messageId,
      subject: (parsed.subject ?? '')
        .replace(/[\r\n]+/g, ' ')
        .trim()
        .slice(0, 250),
      references: [...new Set(references)],
      text: ownWords(parsed.text ?? ''),
      images: parsed.attachments
        .filter((a) => /^image\/(jpeg|png|webp|gif|heic|heif|avif|tiff)$/i.test(a.contentType))
        .slice(0, INBOUND_LIMITS.images)
        .map((a) => ({ contentType: a.contentType, content: a.content })),
      attachmentCount: parsed.attachments.length,
      automatic: isAutomatic(parsed.headers),
    },
  };
}

/**
 * The sender's own words: quoted history ("On … wrote:", "Op … schreef …:", Outlook's "From:/Van:"
 * block, `>` lines) and signatures ("-- ", "Sent from my iPhone", "Verzonden vanaf …") left out by
 * email-reply-parser; then plain text as our questions hold it: no control characters, no markup
 * (an address or link in angle brackets keeps its text, other tags go).
 */
export function ownWords(text: string): string {
  const top = text.slice(0, INBOUND_LIMITS.textChars).replace(/\r\n?/g, '\n');
  const reply = parser.parseReply(top);
  return (
    stripBidiControls(reply)
      // Control characters (line breaks and tabs aside) and the replacement character of undecodable bytes.
      .replace(/[\p{Cc}\ufffd]/gu, (c) => (c === '\n' || c === '\t' ? c : ''))
      .replace(/<\/?([a-z!][^<>]*)>/gi, (_whole, inner: string) =>
        /^(https?:|mailto:|tel:)|@/i.test(inner) ? inner : '',
      )
      .split('\n')
      .filter((line) => !/^\s*>/.test(line))
      .filter((_line, i, lines) => i < withoutClosing(lines))
      .join('\n')
      .replace(/\n{3,}/g, '\n\n')
      .trim()
  );
}

/** "Met vriendelijke groet, / Sanne": a closing line near the end, with at most a few short lines after it. */
const CLOSING =
  /^\s*((met )?(vriendelijke |hartelijke )?groet(en)?|mvg|groetjes|(kind |best |warm |many )?(regards|wishes)|cheers|thanks( again)?|thank you|bedankt|alvast bedankt)[\s,.!]*$/i;

/** Where the closing starts (the line count when there is none). */
function withoutClosing(lines: string[]): number {
  const from = Math.max(0, lines.length - 5);
  for (let i = from; i < lines.length; i++) {
    if (!CLOSING.test(lines[i] ?? '')) continue;
    const rest = lines.slice(i + 1).filter((l) => l.trim());
    const before = lines.slice(0, i).join('').trim();
    // Kept when it is the whole message ("Thanks!") or what follows is more than a name.
    if (before && rest.length <= 3 && rest.every((l) => l.trim().length <= 40)) return i;
  }
  return lines.length;
}

/** Automatic messages are not questions: answering them by email would start a loop of machines. */
function isAutomatic(headers: Map<string, unknown>): boolean {
  const value = (name: string) =>
    String(headers.get(name) ?? '')
      .toLowerCase()
      .trim();
  const submitted = value('auto-submitted');
  if (submitted && submitted !== 'no') return true;
  if (/^(bulk|junk|list|auto_reply)$/.test(value('precedence'))) return true;
  return headers.has('x-autoreply') || headers.has('x-autorespond') || headers.has('list-id');
}
