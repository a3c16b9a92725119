// Found while typing (docs/decisions/knowledge.md): as a customer types a question on the tracker, the
// published answers that match appear under the box; "This answers my question" ends the attempt and
// the question is not sent. Without JavaScript the form's "search the answers first" button does the same.
const api = `/api/v1/track/${location.pathname.split('/')[2] ?? ''}/answers`;
const lang = document.documentElement.lang;
const shown = new Set<string>();
let timer: ReturnType<typeof setTimeout> | undefined;
let latest = 0;

type Texts = { maybe: string; yes: string; glad: string; checked: string };
type Found = {
  id: string;
  question: string;
  answer: string;
  checkedBy: { name: string; role: string } | null;
};

const el = <K extends keyof HTMLElementTagNameMap>(tag: K, text = '') => {
  const e = document.createElement(tag);
  e.textContent = text;
  return e;
};

/** The answers offered in this attempt, counted once when it ends (sent, answered or left). */
function reportShown() {
  if (shown.size === 0) return;
  const ids = [...shown];
  shown.clear();
  navigator.sendBeacon?.(`${api}/shown`, new Blob([JSON.stringify({ ids })], { type: 'application/json' }));
}

async function search(form: HTMLFormElement, text: string) {
  const out = form.querySelector('.answer-matches');
  const q = text.trim().slice(0, 200);
  const mine = ++latest;
  if (!out) return;
  if (q.length < 3) {
    out.textContent = '';
    return;
  }
  const r = await fetch(`${api}?lang=${lang}&q=${encodeURIComponent(q)}`).catch(() => null);
  if (!r?.ok || mine !== latest) return;
  const { answers } = (await r.json()) as { answers: Found[] };
  const t = JSON.parse(form.dataset.answerSearch ?? '{}') as Texts;
  out.textContent = '';
  if (answers.length === 0) return;
  const list = el('ul');
  list.className = 'answers';
  for (const a of answers) {
    shown.add(a.id);
    const item = el('li');
    item.className = 'published-answer';
    const details = el('details');
    details.append(el('summary', a.question), el('p', a.answer));
    if (a.checkedBy)
      details.append(
        el('p', t.checked.replace('{name}', a.checkedBy.name).replace('{role}', a.checkedBy.role)),
      );
    const yes = el('button', t.yes);
    yes.type = 'button';
    yes.className = 'secondary';
    yes.onclick = async () => {
      const done = await fetch(`${api}/${encodeURIComponent(a.id)}/answered`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ shown: [...shown] }),
      }).catch(() => null);
      if (!done?.ok) return;
      shown.clear();
      const glad = el('p', t.glad);
      glad.className = 'sent';
      glad.setAttribute('role', 'status');
      form.replaceWith(glad);
    };
    item.append(details, yes);
    list.append(item);
  }
  out.append(el('p', t.maybe), list);
}

document.addEventListener('input', (e) => {
  const box = e.target;
  if (!(box instanceof HTMLTextAreaElement) || !box.form?.dataset.answerSearch) return;
  const form = box.form;
  clearTimeout(timer);
  timer = setTimeout(() => search(form, box.value), 300);
});
document.addEventListener('submit', reportShown);
addEventListener('pagehide', reportShown);
