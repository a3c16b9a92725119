/**
 * The widget loader (built to /widget.js): turns each `<div data-open-kitchen="lookup|job">` into an
 * iframe of our widget page. The iframe isolates both ways: the host's CSS and scripts cannot reach in,
 * ours cannot reach out, and no cookies are involved. The host element keeps its reserved height
 * (`min-height` in the snippet) so nothing moves while the frame loads; the frame then reports its
 * content height and grows to fit.
 */
export {};

const script = document.currentScript as HTMLScriptElement | null;
const origin = new URL(script?.src ?? location.href).origin;
const frames = new Map<MessageEventSource, HTMLIFrameElement>();
const titles = { en: 'Follow your job', nl: 'Volg uw opdracht' };

function mount(host: HTMLElement) {
  const o = host.dataset;
  if (o.openKitchenMounted) return;
  o.openKitchenMounted = '';
  const job = o.openKitchen === 'job';
  const path = job
    ? `job/${encodeURIComponent(o.token ?? '')}`
    : `lookup/${encodeURIComponent(o.organisation ?? '')}`;
  const query = new URLSearchParams();
  for (const key of ['locale', 'mode', 'color'] as const) {
    const value = o[key];
    if (value) query.set(key, value);
  }
  const frame = document.createElement('iframe');
  frame.src = `${origin}/embed/${path}?${query}`;
  const lang = (o.locale ?? document.documentElement.lang).startsWith('nl') ? 'nl' : 'en';
  frame.title = o.title ?? titles[lang];
  frame.referrerPolicy = 'no-referrer';
  // The frame's `prefers-color-scheme` follows the colour scheme of its element: the host's, or data-theme.
  const scheme = o.theme ?? getComputedStyle(host).colorScheme;
  frame.style.cssText = `display:block;width:100%;border:0;height:${host.offsetHeight || 320}px;color-scheme:${scheme}`;
  host.replaceChildren(frame);
  if (frame.contentWindow) frames.set(frame.contentWindow, frame);
}

addEventListener('message', (event) => {
  const frame = event.source && frames.get(event.source);
  const height = (event.data as { openKitchenHeight?: unknown } | null)?.openKitchenHeight;
  if (event.origin !== origin || !frame || typeof height !== 'number' || !(height > 0)) return;
  frame.style.height = `${Math.min(Math.ceil(height), 10_000)}px`;
});

for (const host of document.querySelectorAll<HTMLElement>('[data-open-kitchen]')) mount(host);
