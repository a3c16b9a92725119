import { Show } from 'solid-js';

/** A specialist's photo, or their initials where there is none; decorative (their name is beside it). */
export default function Avatar(props: { who: { photoUrl: string | null; initials: string } }) {
  return (
    <Show
      when={props.who.photoUrl}
      fallback={
        <span class="avatar" aria-hidden="true">
          {props.who.initials}
        </span>
      }
    >
      <img class="avatar" src={props.who.photoUrl ?? ''} alt="" width="44" height="44" />
    </Show>
  );
}
