import { pageRefresher } from '../live-patch';
import { wirePushButtons } from '../push-optin';

/**
 * The console's only script (pages work without it): live updates from the organisation's event
 * stream, and copy-to-clipboard buttons. Forms someone has typed in are not touched by live updates
 * (see live-patch.ts).
 */
const host = document.querySelector<HTMLElement>('[data-live-island]');
if (host?.dataset.props) {
  const { url, messages } = JSON.parse(host.dataset.props) as { url: string; messages: { live: string } };
  const source = new EventSource(url);
  const refresh = pageRefresher();
  source.onopen = () => {
    host.textContent = messages.live;
    host.className = 'connection live';
  };
  source.onerror = () => {
    host.className = 'connection offline';
  };
  source.onmessage = () => void refresh();
  // Signed out (here or elsewhere) or deactivated: the reload lands on the sign-in page.
  source.addEventListener('revoked', () => {
    source.close();
    location.reload();
  });
}

document.addEventListener('click', async (event) => {
  const button = (event.target as Element | null)?.closest<HTMLButtonElement>('button[data-copy]');
  if (!button?.dataset.copy) return;
  event.preventDefault();
  await navigator.clipboard.writeText(button.dataset.copy);
  const label = button.textContent;
  button.textContent = button.dataset.copied ?? label;
  setTimeout(() => {
    button.textContent = label;
  }, 2000);
});

wirePushButtons();
