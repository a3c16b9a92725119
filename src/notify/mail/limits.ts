/** What one inbound message may be: the SMTP listener's SIZE and the HTTP endpoint's body limit. */
export const INBOUND_LIMITS = {
  bytes: 10 * 1024 * 1024,
  /** More attachments than this and the message is refused (a reply has a few photos, not an archive). */
  attachments: 20,
  /** Images kept as photos on the question; more are left out. */
  images: 6,
  /** Accepted messages per sender address per hour. */
  perSenderPerHour: 20,
  /** Recipients one SMTP transaction may name. */
  recipients: 5,
  /** Only the top of a long text is read for the reply (the reply is at the top; the rest is history). */
  textChars: 64 * 1024,
} as const;
