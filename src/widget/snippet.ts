/**
 * What a business pastes, and the URLs behind it. Pure functions: the console page, the API's embed
 * tokens and oEmbed all build their HTML here, so the three never disagree.
 */

export type EmbedOptions = {
  locale?: 'nl' | 'en' | undefined;
  mode?: 'compact' | 'full' | undefined;
  /** Overrides the organisation's brand colour: `#rrggbb`. */
  color?: string | undefined;
  /** Light or dark; without it the frame follows the reader's setting. The loader sets it from the host page. */
  theme?: 'light' | 'dark' | undefined;
};

/** Options from a query string or element attributes; anything unknown or malformed is ignored. */
export function parseEmbedOptions(get: (name: string) => string | null | undefined): EmbedOptions {
  const locale = get('locale');
  const mode = get('mode');
  const color = get('color');
  const theme = get('theme');
  return {
    locale: locale === 'nl' || locale === 'en' ? locale : undefined,
    mode: mode === 'compact' || mode === 'full' ? mode : undefined,
    color: color && /^#[0-9a-f]{6}$/i.test(color) ? color.toLowerCase() : undefined,
    theme: theme === 'light' || theme === 'dark' ? theme : undefined,
  };
}

const query = (o: EmbedOptions) => {
  const q = new URLSearchParams();
  for (const key of ['locale', 'mode', 'color', 'theme'] as const) {
    const value = o[key];
    if (value) q.set(key, value);
  }
  const s = q.toString();
  return s ? `?${s}` : '';
};

export const embedUrl = (base: string, token: string, o: EmbedOptions = {}) =>
  `${base}/embed/job/${encodeURIComponent(token)}${query(o)}`;
export const lookupUrl = (base: string, slug: string, o: EmbedOptions = {}) =>
  `${base}/embed/lookup/${encodeURIComponent(slug)}${query(o)}`;

/**
 * The height the host page keeps free before the widget loads, so nothing below it moves: every line
 * of the widget is one line at any width, so its height follows from the number of steps (measured in
 * Chromium: lookup 396 px, compact at most 203 px, full 184 px + 62.7 px per step), plus a little
 * room for fonts that run taller. The frame then fits its content and never shrinks below this.
 */
export const reservedHeight = (kind: 'lookup' | 'job', mode: EmbedOptions['mode'], steps = 5) =>
  kind === 'lookup'
    ? mode === 'compact'
      ? 370
      : 410
    : mode === 'compact'
      ? 210
      : Math.ceil(190 + 63 * steps);

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);

function snippet(base: string, attrs: Record<string, string | undefined>, height: number, fallback: string) {
  const list = Object.entries(attrs)
    .filter((e): e is [string, string] => !!e[1])
    .map(([k, v]) => ` ${k}="${escapeHtml(v)}"`)
    .join('');
  return (
    `<div${list} style="min-height:${height}px">${fallback}</div>\n` +
    `<script src="${escapeHtml(base)}/widget.js" async></script>`
  );
}

const attrsOf = (o: EmbedOptions) => ({
  'data-locale': o.locale,
  'data-mode': o.mode,
  'data-color': o.color,
});

export function lookupSnippet(base: string, slug: string, o: EmbedOptions, linkText: string) {
  return snippet(
    base,
    { 'data-open-kitchen': 'lookup', 'data-organisation': slug, ...attrsOf(o) },
    reservedHeight('lookup', o.mode),
    `<a href="${escapeHtml(lookupUrl(base, slug, o))}">${escapeHtml(linkText)}</a>`,
  );
}

/** `steps`: the job's number of steps, which sets the height to reserve (see `reservedHeight`). */
export function jobSnippet(base: string, token: string, o: EmbedOptions, steps?: number) {
  return snippet(
    base,
    { 'data-open-kitchen': 'job', 'data-token': token, ...attrsOf(o) },
    reservedHeight('job', o.mode, steps),
    '',
  );
}

/** An oEmbed 1.0 "rich" answer: a plain iframe, since a CMS may strip scripts. */
export function oembed(
  base: string,
  src: string,
  title: string,
  size: { maxwidth?: number | undefined; maxheight?: number | undefined },
  height: number,
) {
  const width = Math.min(size.maxwidth ?? 640, 640);
  const h = Math.min(size.maxheight ?? height, height);
  return {
    version: '1.0' as const,
    type: 'rich' as const,
    provider_name: 'Open Kitchen',
    provider_url: base,
    title,
    html: `<iframe src="${escapeHtml(src)}" title="${escapeHtml(title)}" width="${width}" height="${h}" style="border:0;max-width:100%" loading="lazy" referrerpolicy="no-referrer"></iframe>`,
    width,
    height: h,
  };
}
