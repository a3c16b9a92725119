import { createComponent } from 'solid-js';
import { render } from 'solid-js/web';
import Live from './Live';
import { wirePushButtons } from './push-optin';

// Mounts the Live island ourselves instead of through `client:load`: Astro's Solid client adds a store,
// Suspense and hydration (about 3 KB gzip) that this island does not need, and the tracker's JS budget is 8 KB.
const host = document.querySelector<HTMLElement>('[data-live-island]');
if (host?.dataset.props) {
  const props = JSON.parse(host.dataset.props);
  host.textContent = '';
  render(() => createComponent(Live, props), host);
}

wirePushButtons();
