import { createSignal, onCleanup, onMount } from 'solid-js';
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
    announce: Record<string, string>;
  };
};

type WireEvent = {
  type: string;
  step?: { title: string; assignee?: { name: string } | null };
  note?: { stepId: string };
  costLine?: { state: string };
};

/**
 * Keeps the tracker live. On each event from the job's stream it re-reads this page and patches
 * only what changed, so focus and reading position survive; a screen reader hears a short summary.
 */
export default function Live(props: Props) {
  const t = props.messages;
  const [connection, setConnection] = createSignal<'static' | 'connecting' | 'live' | 'offline' | 'revoked'>(
    'static',
  );
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
      setSaid(summary(JSON.parse(message.data) as WireEvent));
      void refresh();
    };
    onCleanup(() => source.close());
  });

  function summary(e: WireEvent): string {
    const a = t.announce;
    const key = e.type.startsWith('cost_line.')
      ? e.costLine?.state === 'awaiting_approval'
        ? 'approval'
        : 'costs'
      : ({
          'step.started': 'started',
          'step.finished': 'finished',
          'step.skipped': 'skipped',
          'step.blocked': 'blocked',
          'step.resumed': 'started',
          'step.promise_changed': 'promise',
          'step.assigned': 'assigned',
          'note.posted': 'note',
          'job.completed': 'completed',
          'question.asked': 'question',
          'question.answered': 'answered',
        }[e.type] ?? '');
    const stepTitle =
      e.step?.title ?? document.querySelector(`#step-${e.note?.stepId} .title`)?.textContent ?? '';
    return fill(a[key] ?? '', { step: stepTitle, name: e.step?.assignee?.name ?? '' });
  }

  const label = () =>
    ({
      live: t.live,
      static: t.staticNote,
      offline: t.offline,
      connecting: t.connecting,
      revoked: t.linkRevoked,
    })[connection()];
  return (
    <>
      <p class={`connection ${connection()}`}>{label()}</p>
      <div role="status" aria-live="polite" class="sr-only">
        {said()}
      </div>
    </>
  );
}
