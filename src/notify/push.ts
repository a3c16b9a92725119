import { createECDH, type ECDH, randomBytes } from 'node:crypto';
import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import ece from 'http_ece';
import webpush from 'web-push';
import { postSafely } from './safe-http';

/** The largest plaintext a push message may carry (4096-byte record minus padding delimiter and tag). */
export const MAX_PUSH_PLAINTEXT = 3993;

export type PushTarget = { endpoint: string; p256dh: string; auth: string };
export type Vapid = { publicKey: string; privateKey: string; subject: string };

export class PayloadTooLarge extends Error {}

/**
 * RFC 8291 message encryption (aes128gcm), through http_ece like the web-push library. The salt and
 * the sender's key pair are fresh for every message; they can be given only to check the RFC's example.
 */
export function encryptPush(
  target: Pick<PushTarget, 'p256dh' | 'auth'>,
  plaintext: Uint8Array,
  fixed: { salt?: Buffer; senderKeys?: ECDH } = {},
): Buffer {
  if (plaintext.byteLength > MAX_PUSH_PLAINTEXT) {
    throw new PayloadTooLarge(`push payload is ${plaintext.byteLength} bytes; at most ${MAX_PUSH_PLAINTEXT}`);
  }
  const senderKeys = fixed.senderKeys ?? createECDH('prime256v1');
  if (!fixed.senderKeys) senderKeys.generateKeys();
  return ece.encrypt(Buffer.from(plaintext), {
    version: 'aes128gcm',
    dh: Buffer.from(target.p256dh, 'base64url'),
    privateKey: senderKeys,
    salt: fixed.salt ?? randomBytes(16),
    authSecret: Buffer.from(target.auth, 'base64url'),
    rs: 4096,
  });
}

export type PushResult = { status: number } | { error: string };

const VAPID_LIFETIME_S = 12 * 3600;

/**
 * Sends web push messages. The VAPID authorisation (an ES256-signed JWT) depends only on the push
 * service's origin, so it is signed once per origin and reused until it nears expiry, and connections
 * to a push service are kept alive: the default web-push path does both for every message.
 */
export class PushSender {
  private readonly vapidByOrigin = new Map<string, { headers: Record<string, string>; renewAt: number }>();
  private readonly agents: { http: HttpAgent; https: HttpsAgent };

  /** `ca`: extra certificate authorities to trust (a test push service with its own certificate). */
  constructor(
    private readonly vapid: Vapid,
    private readonly options: { allowPrivate: boolean; now?: () => number; ca?: Buffer },
  ) {
    this.agents = {
      http: new HttpAgent({ keepAlive: true }),
      https: new HttpsAgent({ keepAlive: true, ...(options.ca ? { ca: options.ca } : {}) }),
    };
  }

  private vapidHeaders(endpoint: URL): Record<string, string> {
    const now = Math.floor((this.options.now?.() ?? Date.now()) / 1000);
    const cached = this.vapidByOrigin.get(endpoint.origin);
    if (cached && cached.renewAt > now) return cached.headers;
    const headers = webpush.getVapidHeaders(
      endpoint.origin,
      this.vapid.subject,
      this.vapid.publicKey,
      this.vapid.privateKey,
      'aes128gcm',
      now + VAPID_LIFETIME_S,
    ) as Record<string, string>;
    this.vapidByOrigin.set(endpoint.origin, { headers, renewAt: now + VAPID_LIFETIME_S - 3600 });
    return headers;
  }

  async send(
    target: PushTarget,
    message: object,
    options: { ttl?: number; topic?: string; urgency?: 'normal' | 'high' } = {},
  ): Promise<PushResult> {
    let endpoint: URL;
    try {
      endpoint = new URL(target.endpoint);
    } catch {
      return { error: 'not a URL' };
    }
    const body = encryptPush(target, new TextEncoder().encode(JSON.stringify(message)));
    return postSafely(
      endpoint.toString(),
      body,
      {
        ...this.vapidHeaders(endpoint),
        'content-type': 'application/octet-stream',
        'content-encoding': 'aes128gcm',
        ttl: String(options.ttl ?? 86_400),
        urgency: options.urgency ?? 'normal',
        ...(options.topic ? { topic: options.topic } : {}),
      },
      {
        allowPrivate: this.options.allowPrivate,
        agent: endpoint.protocol === 'https:' ? this.agents.https : this.agents.http,
      },
    );
  }

  close(): void {
    this.agents.http.destroy();
    this.agents.https.destroy();
  }
}
