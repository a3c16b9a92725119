/**
 * "Notify me": asks the browser for permission only when pressed, subscribes with our VAPID key and
 * hands the subscription to `subscribeUrl` (about 1 KB of script; the button shows only where push works).
 */
export async function enablePush(options: {
  vapidKey: string;
  subscribeUrl: string;
  locale: string;
}): Promise<'on' | 'denied' | 'unsupported'> {
  if (!('serviceWorker' in navigator) || !('PushManager' in window)) return 'unsupported';
  const permission = await Notification.requestPermission();
  if (permission !== 'granted') return 'denied';
  const registration = await navigator.serviceWorker.register('/sw.js');
  await navigator.serviceWorker.ready;
  const key = Uint8Array.from(atob(options.vapidKey.replace(/-/g, '+').replace(/_/g, '/')), (c) =>
    c.charCodeAt(0),
  );
  const subscription =
    (await registration.pushManager.getSubscription()) ??
    (await registration.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: key }));
  const response = await fetch(options.subscribeUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ ...subscription.toJSON(), locale: options.locale }),
  });
  return response.ok ? 'on' : 'unsupported';
}

/**
 * iOS delivers web push only to a page added to the Home Screen (opened standalone): in Safari's tab,
 * the hint the server rendered hidden says so. iPadOS reports itself as a Mac with touch.
 */
function showHomeScreenHint(): void {
  const hint = document.querySelector<HTMLElement>('[data-home-screen-hint]');
  if (!hint) return;
  const ios =
    /iP(hone|ad|od)/.test(navigator.userAgent) ||
    (/Macintosh/.test(navigator.userAgent) && navigator.maxTouchPoints > 1);
  const standalone =
    (navigator as { standalone?: boolean }).standalone === true ||
    matchMedia('(display-mode: standalone)').matches;
  hint.hidden = !ios || standalone;
}

/** Wires every `[data-push]` button on the page. */
export function wirePushButtons(): void {
  showHomeScreenHint();
  for (const button of document.querySelectorAll<HTMLButtonElement>('button[data-push]')) {
    if (!('PushManager' in window) || !('serviceWorker' in navigator)) continue;
    const status = document.getElementById(button.getAttribute('aria-controls') ?? '');
    button.hidden = false;
    button.addEventListener('click', async () => {
      const config = JSON.parse(button.dataset.push ?? '{}');
      const result = await enablePush(config).catch(() => 'unsupported' as const);
      if (status) status.textContent = config.messages?.[result] ?? '';
      if (result === 'on') button.hidden = true;
    });
  }
}
