import { pageRefresher } from '../components/live-patch';

/**
 * Runs inside the widget's frame (built to /widget-frame.js). Tells the host page how tall the content
 * is, so the frame fits without scroll bars, and keeps a job view live the way the tracker does:
 * on each event from the job's stream, re-read the page and patch what changed.
 */
const body = document.body;
const tell = () =>
  // Only a height leaves the frame; the loader checks that it came from our origin and this frame.
  parent.postMessage({ openKitchenHeight: Math.ceil(body.getBoundingClientRect().height) }, '*');
new ResizeObserver(tell).observe(body);

const status = document.querySelector<HTMLElement>('[data-stream]');
if (status?.dataset.stream) {
  const t = JSON.parse(status.dataset.messages ?? '{}') as Record<string, string>;
  const say = (text: string | undefined, live = false) => {
    status.textContent = text ?? '';
    status.classList.toggle('live', live);
  };
  const announce = document.querySelector('[data-announce]');
  const refresh = pageRefresher();
  const source = new EventSource(status.dataset.stream);
  say(t.connecting);
  source.onopen = () => say(t.live, true);
  source.onerror = () => {
    // Refused for good (an expired token): show what the page now says.
    if (source.readyState === EventSource.CLOSED) location.reload();
    else say(t.offline);
  };
  // The token expired (or its tracker link was replaced): the reload shows what the page now says.
  source.addEventListener('revoked', () => {
    source.close();
    location.reload();
  });
  source.onmessage = async () => {
    await refresh();
    if (announce) announce.textContent = document.querySelector('.progress')?.textContent ?? '';
  };
}
