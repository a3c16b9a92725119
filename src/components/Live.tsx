import { createSignal, onCleanup, onMount, Show } from 'solid-js';
import { type Announcement, announcementOf } from '../events/announce';
import type { WireEvent } from '../events/catalogue';
import { fill } from '../i18n/messages';
import { pageRefresher } from './live-patch';

type Props = {
  token: string;
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
 * Keeps the tracker live. On each event from the job's stream it re-reads this page and patches
 * only what changed, so focus and reading position survive; a screen reader hears a short summary.
 */
export default function Live(props: Props) {
  const t = props.messages;
  const [connection, setConnection] = createSignal<
    'static' | 'connecting' | 'live' | 'offline' | 'revoked' | 'ended'
  >('static');
  const [said, setSaid] = createSignal('');

  onMount(() => {
    setConnection('connecting');
    const source = new EventSource(`/api/v1/track/${props.token}/events?lastEventId=${props.lastEventId}`);
    source.onopen = () => setConnection('live');
    source.onerror = () => setConnection(source.readyState === EventSource.CLOSED ? 'static' : 'offline');
    // The server ended the stream for good (the link was replaced): reconnecting would only be refused.
    source.addEventListener('revoked', () => {
      source.close();
      setConnection('revoked');
    });
    const refresh = pageRefresher();
    source.onmessage = (message) => {
      const event = JSON.parse(message.data) as WireEvent;
      setSaid(summary(event));
      void refresh();
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
