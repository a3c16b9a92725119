import { createSignal, onCleanup, onMount, Show } from 'solid-js';
import { type Announcement, announcementOf } from '../events/announce';
import type { WireEvent } from '../events/catalogue';
import { fill } from '../i18n/messages';
import { pageRefresher, patchRegions } from './live-patch';

type Props = {
  token: string;
  /** The page's language: the server renders what changed once for every viewer in it. */
  locale: 'nl' | 'en';
  /** The newest event the server-rendered page reflects; the stream resumes right after it. */
  lastEventId: number;
  messages: {
    live: string;
    connecting: string;
    offline: string;
    staticNote: string;
    linkRevoked: string;
    announce: Record<Announcement, string>;
  };
};

/**
 * Keeps the tracker live. Each live event from the job's stream carries the page's regions as the
 * server rendered them once for every viewer in this language; the island patches only what changed,
 * so focus and reading position survive (an event without them, on resume, re-reads the page). A
 * screen reader hears a short summary.
 */
export default function Live(props: Props) {
  const t = props.messages;
  const [connection, setConnection] = createSignal<
    'static' | 'connecting' | 'live' | 'offline' | 'revoked' | 'ended'
  >('static');
  const [said, setSaid] = createSignal('');

  onMount(() => {
    setConnection('connecting');
    const source = new EventSource(
      `/api/v1/track/${props.token}/events?lastEventId=${props.lastEventId}&lang=${props.locale}`,
    );
    source.onopen = () => setConnection('live');
    source.onerror = () => setConnection(source.readyState === EventSource.CLOSED ? 'static' : 'offline');
    // The server ended the stream for good (the link was replaced): reconnecting would only be refused.
    source.addEventListener('revoked', () => {
      source.close();
      setConnection('revoked');
    });
    const refresh = pageRefresher();
    source.onmessage = (message) => {
      const event = JSON.parse(message.data) as WireEvent & { regions?: Record<string, string> };
      // Live events carry the changed regions, rendered once for everyone in this language; an event
      // sent from the log on resume does not, and the page is read again.
      if (event.regions) patchRegions(Object.values(event.regions).join(''));
      else void refresh();
      setSaid(summary(event));
      // A cancelled job will not change again: the live line goes, as on a page loaded after it.
      if (event.type === 'job.cancelled') {
        source.close();
        setConnection('ended');
      }
    };
    onCleanup(() => source.close());
  });

  function summary(e: WireEvent): string {
    const said = announcementOf(e.type, e as { costLine?: { state: string } });
    if (!said) return '';
    const step = 'step' in e ? e.step : undefined;
    // The page's title is in the customer's language; the event's is in the organisation's.
    const stepTitle =
      document.querySelector(`#step-${e.stepId} .title`)?.textContent?.trim() ?? step?.title ?? '';
    return fill(t.announce[said.say], { step: stepTitle, name: step?.assignee?.name ?? '' });
  }

  const label = () =>
    ({
      live: t.live,
      static: t.staticNote,
      offline: t.offline,
      connecting: t.connecting,
      revoked: t.linkRevoked,
      ended: '',
    })[connection()];
  return (
    <>
      <Show when={connection() !== 'ended'}>
        <p class={`connection ${connection()}`}>{label()}</p>
      </Show>
      <div role="status" aria-live="polite" class="sr-only">
        {said()}
      </div>
    </>
  );
}
