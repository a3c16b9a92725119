/**
 * Re-reads the current page and patches `[data-live-region]` to match, touching only elements that
 * differ, so focus and reading position survive. Coalesced: events arriving during a read cause exactly
 * one more read. Shared by the tracker's and the console's live islands.
 */
export function pageRefresher(): () => Promise<void> {
  // A form someone has typed in is theirs until they send it.
  document.addEventListener('input', (event) => {
    (event.target as Element | null)?.closest('form')?.setAttribute('data-dirty', '');
  });
  let busy = false;
  let again = false;
  const refresh = async (): Promise<void> => {
    if (busy) {
      again = true;
      return;
    }
    busy = true;
    try {
      const response = await fetch(location.href, { cache: 'no-store', headers: { accept: 'text/html' } });
      patchRegions(await response.text());
    } finally {
      busy = false;
      if (again) {
        again = false;
        void refresh();
      }
    }
  };
  return refresh;
}

/** Patches each `[data-live-region]` of this page to match the one of the same name in `html`. */
export function patchRegions(html: string): void {
  const there = new DOMParser().parseFromString(html, 'text/html').querySelectorAll('[data-live-region]');
  const here = document.querySelectorAll('[data-live-region]');
  here.forEach((el, i) => {
    const name = el.getAttribute('data-live-region');
    const other = [...there].find((t) => t.getAttribute('data-live-region') === name) ?? there[i];
    if (other) patch(el, other);
  });
}

/** Makes `here` look like `there`. A form someone is filling in is left alone. */
function patch(here: Element, there: Element): void {
  if (here.outerHTML === there.outerHTML) return;
  if (here.tagName === 'FORM' && (here.contains(document.activeElement) || here.hasAttribute('data-dirty')))
    return;
  for (const { name } of [...here.attributes]) {
    // A <details> the reader opened stays open.
    if (!there.hasAttribute(name) && !(name === 'open' && here.tagName === 'DETAILS'))
      here.removeAttribute(name);
  }
  for (const { name, value } of [...there.attributes])
    if (here.getAttribute(name) !== value) here.setAttribute(name, value);
  const a = [...here.children];
  const b = [...there.children];
  const sameShape =
    a.length === b.length && a.every((el, i) => el.tagName === b[i]?.tagName && el.id === b[i]?.id);
  if (!sameShape || here.childNodes.length !== a.length) {
    here.innerHTML = there.innerHTML;
    return;
  }
  a.forEach((el, i) => {
    const other = b[i];
    if (other) patch(el, other);
  });
}
