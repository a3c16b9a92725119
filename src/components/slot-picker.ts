/**
 * The customer's slot picker (src/pages/t/[token]/book/[stepId].astro), a progressive enhancement of the
 * plain booking form: the days become one row of chips (a radio group with a roving tab stop: arrow keys,
 * Home and End), only the chosen day's moments are shown, and the choice is summarised (and announced)
 * before it is confirmed. The server renders every text in the reader's language; this only moves focus
 * and toggles `hidden`. Without JavaScript the form lists every day and still books.
 */
const fill = (text: string, values: Record<string, string | number>) =>
  text.replace(/\{(\w+)\}/g, (_, key: string) => String(values[key] ?? ''));

for (const form of document.querySelectorAll<HTMLFormElement>('[data-slot-picker]')) {
  const row = form.querySelector<HTMLElement>('.days');
  const chips = [...form.querySelectorAll<HTMLButtonElement>('.days [role="radio"]')];
  const days = [...form.querySelectorAll<HTMLFieldSetElement>('fieldset')];
  const choice = form.querySelector<HTMLElement>('.choice');
  if (!row || !choice || chips.length !== days.length || days.length === 0) continue;
  const firstOf = (index: number) => days[index]?.querySelector<HTMLInputElement>('input[type="radio"]');
  const checked = () => form.querySelector<HTMLInputElement>('input[name="startsAt"]:checked');
  const dayOf = (input: Element | null) => days.findIndex((d) => d.contains(input));
  const say = (text: string) => {
    choice.textContent = text;
  };
  const summarise = () => {
    const input = checked();
    const day = days[dayOf(input)];
    say(
      input && day
        ? fill(form.dataset.yourChoice ?? '', {
            day: day.querySelector('legend')?.textContent ?? '',
            slot: input.dataset.slot ?? '',
          })
        : (form.dataset.choose ?? ''),
    );
  };
  let current = 0;
  const show = (index: number, focus: boolean) => {
    current = index;
    chips.forEach((chip, i) => {
      chip.setAttribute('aria-checked', String(i === index));
      chip.tabIndex = i === index ? 0 : -1;
      const day = days[i];
      if (day) day.hidden = i !== index;
      if (focus && i === index) {
        chip.focus();
        chip.scrollIntoView({ block: 'nearest', inline: 'nearest' });
      }
    });
    // A moment of another (now hidden) day would be booked unseen: the shown day's first takes its place.
    const input = checked();
    if (input && dayOf(input) !== index) {
      const first = firstOf(index);
      if (first) first.checked = true;
    }
    summarise();
  };
  chips.forEach((chip, i) => {
    chip.addEventListener('click', () => show(i, true));
    chip.addEventListener('keydown', (event) => {
      const last = chips.length - 1;
      const to = {
        ArrowRight: i === last ? 0 : i + 1,
        ArrowDown: i === last ? 0 : i + 1,
        ArrowLeft: i === 0 ? last : i - 1,
        ArrowUp: i === 0 ? last : i - 1,
        Home: 0,
        End: last,
      }[event.key];
      if (to === undefined) return;
      event.preventDefault();
      show(to, true);
    });
  });
  form.addEventListener('change', summarise);
  // The hidden days' radios cannot take the browser's "choose one" message: say it here instead.
  form.addEventListener('submit', (event) => {
    if (checked()) return;
    event.preventDefault();
    firstOf(current)?.focus();
    say(form.dataset.choose ?? '');
  });
  row.hidden = false;
  choice.hidden = false;
  show(Math.max(0, dayOf(checked())), false);
}
