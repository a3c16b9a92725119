import type { Sms, SmsProvider, SmsResult } from './provider';

export type TwilioConfig = { accountSid: string; authToken: string; from: string; apiUrl: string };

/**
 * Twilio error codes that are about the recipient's number: invalid (21211), not a valid phone
 * number (21214), not a number at all (21217), unverified on a trial account (21608), cannot be
 * reached from this number's region (21408), opted out with STOP (21610), not reachable by this
 * sender (21612), not a mobile number (21614), a landline without SMS (21635).
 */
const RECIPIENT_CODES = new Set([21211, 21214, 21217, 21408, 21608, 21610, 21612, 21614, 21635]);
const TIMEOUT_MS = 10_000;

/**
 * Twilio's Messages API: `POST {api}/2010-04-01/Accounts/{AccountSid}/Messages.json`, a form body
 * (To, From or MessagingServiceSid, Body, optional StatusCallback), HTTP Basic auth with the
 * Account SID and Auth Token. 201 answers the Message resource as JSON (`sid`, `status`: queued or
 * accepted); errors answer `{code, message, more_info, status}`. 429 and 5xx are temporary.
 */
export class TwilioSms implements SmsProvider {
  constructor(private readonly config: TwilioConfig) {}

  async send(message: Sms): Promise<SmsResult> {
    const { accountSid, authToken, from, apiUrl } = this.config;
    const form = new URLSearchParams({ To: message.to });
    if (from.startsWith('MG')) form.set('MessagingServiceSid', from);
    else form.set('From', from);
    form.set('Body', message.body);
    if (message.statusCallback) form.set('StatusCallback', message.statusCallback);
    let response: Response;
    try {
      response = await fetch(
        `${apiUrl}/2010-04-01/Accounts/${encodeURIComponent(accountSid)}/Messages.json`,
        {
          method: 'POST',
          headers: {
            authorization: `Basic ${Buffer.from(`${accountSid}:${authToken}`).toString('base64')}`,
            'content-type': 'application/x-www-form-urlencoded',
            accept: 'application/json',
            'user-agent': 'OpenKitchen-Sms/1',
          },
          body: form.toString(),
          signal: AbortSignal.timeout(TIMEOUT_MS),
          redirect: 'error',
        },
      );
    } catch (error) {
      return {
        ok: false,
        temporary: true,
        recipient: false,
        error: `no answer: ${(error as Error).message}`,
      };
    }
    // A bounded read: Twilio's answers are a few kilobytes.
    const text = (await response.text().catch(() => '')).slice(0, 16_384);
    let json: Record<string, unknown> = {};
    try {
      const parsed = JSON.parse(text);
      if (parsed && typeof parsed === 'object') json = parsed as Record<string, unknown>;
    } catch {}
    if (response.ok && typeof json.sid === 'string') {
      return { ok: true, id: json.sid, status: typeof json.status === 'string' ? json.status : 'queued' };
    }
    const code = typeof json.code === 'number' ? json.code : null;
    const said = typeof json.message === 'string' ? json.message.slice(0, 300) : `HTTP ${response.status}`;
    const error = code ? `${code}: ${said}` : said;
    const temporary =
      response.ok || response.status === 429 || response.status >= 500 || response.status === 408;
    return {
      ok: false,
      temporary,
      recipient: !temporary && code !== null && RECIPIENT_CODES.has(code),
      error,
    };
  }
}
