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
const refusals = {
  en: 'Job tracking cannot be shown on this website.',
  nl: 'Het volgen van opdrachten kan op deze website niet worden getoond.',
};

function mount(host: HTMLElement) {
  const o = host.dataset;
  if (o.openKitchenMounted) return;
  o.openKitchenMounted = '';
  const job = o.openKitchen === 'job';
  const path = job
    ? `job/${encodeURIComponent(o.token ?? '')}`
    : `lookup/${encodeURIComponent(o.organisation ?? '')}`;
  // The host's colour scheme (CSS, else its <meta name="color-scheme">): dark only → dark; light or
  // undeclared → light; both → the reader's.
  const css = getComputedStyle(host).colorScheme;
  const declared =
    css && css !== 'normal'
      ? css
      : (document.querySelector<HTMLMetaElement>('meta[name="color-scheme"]')?.content ?? '');
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
  // A website not on the organisation's list would get a frame the browser refuses: say so instead.
  const about = job ? `jobs/${encodeURIComponent(o.token ?? '')}` : encodeURIComponent(o.organisation ?? '');
  fetch(`${origin}/api/v1/widget/${about}/allowed`).then(
    (answer) => {
      if (answer.status !== 403) return;
      const note = document.createElement('p');
      note.textContent = refusals[lang];
      host.replaceChildren(note);
      host.style.minHeight = '0';
      console.warn(
        `Open Kitchen: ${location.origin} is not on this organisation's list of websites (console, Widget).`,
      );
    },
    () => {},
  );
}

addEventListener('message', (event) => {
  const frame = event.source && frames.get(event.source);
  const height = (event.data as { openKitchenHeight?: unknown } | null)?.openKitchenHeight;
  if (event.origin !== origin || !frame || typeof height !== 'number' || !(height > 0)) return;
  frame.style.height = `${Math.min(Math.ceil(height), 10_000)}px`;
});

for (const host of document.querySelectorAll<HTMLElement>('[data-open-kitchen]')) mount(host);
