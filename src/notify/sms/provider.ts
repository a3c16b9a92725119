/** A text message to send: `to` in E.164, `body` as the customer reads it. */
export type Sms = { to: string; body: string; statusCallback?: string };

/**
 * What a provider said: accepted (with its id), or refused. `temporary` refusals (rate limited, the
 * provider down, no answer) are tried again later; the others are final. `recipient` marks a refusal
 * about the number itself (invalid, not a mobile, opted out): nothing more is sent to it.
 */
export type SmsResult =
  | { ok: true; id: string; status: string }
  | { ok: false; temporary: boolean; recipient: boolean; error: string };

/** The small interface text messages go through; src/notify/sms/twilio.ts is the one implementation. */
export interface SmsProvider {
  send(message: Sms): Promise<SmsResult>;
}
