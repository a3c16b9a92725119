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
  // The host's colour scheme: declared dark only → dark; light or undeclared → light; both → the reader's.
  const declared = getComputedStyle(host).colorScheme;
  const theme = o.theme ?? (declared.includes('dark') ? (declared.includes('light') ? '' : 'dark') : 'light');
  const query = new URLSearchParams();
  for (const [key, value] of [
    ['locale', o.locale],
    ['mode', o.mode],
    ['color', o.color],
    ['theme', theme],
  ])
    if (value) query.set(key as string, value);
  const frame = document.createElement('iframe');
  frame.src = `${origin}/embed/${path}?${query}`;
  const lang = (o.locale ?? document.documentElement.lang).startsWith('nl') ? 'nl' : 'en';
  frame.title = o.title ?? titles[lang];
  frame.referrerPolicy = 'no-referrer';
  // The same scheme on the frame element keeps its background transparent (no opaque backdrop).
  frame.style.cssText = `display:block;width:100%;border:0;height:${host.offsetHeight || 320}px;color-scheme:${theme || 'light dark'}`;
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
