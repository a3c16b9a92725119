import { inflateSync } from 'node:zlib';

/**
 * PDF names that run something or carry something: scripts, launching programs, embedded files,
 * actions triggered by opening a page or a field (`/AA`), Flash/3D media, XFA forms, form submission.
 * `/OpenAction` alone is not refused: without a script it can only show a page.
 */
const ACTIVE_NAMES = new Set([
  'JavaScript',
  'JS',
  'Launch',
  'EmbeddedFile',
  'EmbeddedFiles',
  'AA',
  'RichMedia',
  'XFA',
  'SubmitForm',
  'ImportData',
  'GoToE',
]);

/** The same names as raw text, for stream data whose end cannot be vouched for (see `skipStream`). */
const ACTIVE_TEXT = new RegExp(`/(${[...ACTIVE_NAMES].join('|')})(?=[\\s/<>[\\]()%{}]|$)`);

/** At most this many bytes inflated from object streams per file (a zip bomb stops here). */
const INFLATE_BUDGET = 16 * 1024 * 1024;

const WHITE = new Set([0x00, 0x09, 0x0a, 0x0c, 0x0d, 0x20]);
const DELIMITER = new Set([0x28, 0x29, 0x3c, 0x3e, 0x5b, 0x5d, 0x7b, 0x7d, 0x2f, 0x25]);
const ends = (c: number) => Number.isNaN(c) || WHITE.has(c) || DELIMITER.has(c);

/** `#xx` escapes in a PDF name (`J#61vaScript`) spelled out, so they cannot hide a name. */
const unescapeName = (name: string) =>
  name.replace(/#([0-9a-fA-F]{2})/g, (_, hex: string) => String.fromCharCode(Number.parseInt(hex, 16)));

/**
 * Whether a PDF holds active content, read as a PDF reader reads it: a small lexer skips comments,
 * literal and hex strings (a name inside a string is text, and a `stream` keyword inside one is not a
 * stream) and the data of each stream (binary page content and fonts, where a name's bytes appear by
 * chance) — exactly `/Length` bytes when that length can be read and `endstream` follows it. Stream data
 * whose length cannot be vouched for is searched as raw text instead of skipped. Object streams
 * (`/Type /ObjStm`, compressed dictionaries) are inflated within a budget and read the same way. What
 * cannot be read counts as active: what we cannot check we do not serve.
 */
export function activeContent(bytes: Uint8Array): boolean {
  const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1');
  const budget = { left: INFLATE_BUDGET };
  try {
    return scan(text, budget, 0);
  } catch {
    return true;
  }
}

type Budget = { left: number };

function scan(text: string, budget: Budget, depth: number): boolean {
  if (depth > 2) return true;
  const n = text.length;
  let i = 0;
  // What the stream now being read said of itself: since the last stream (an object's dictionary).
  let objectStream = false;
  let flate = false;
  let length: number | null = null;
  let lengthName = false;
  // The last two plain tokens, to read `/Length 12 0 R` (an indirect length).
  let tokens: string[] = [];
  while (i < n) {
    const c = text.charCodeAt(i);
    if (WHITE.has(c)) {
      i++;
      continue;
    }
    if (c === 0x25 /* % */) {
      while (i < n && text.charCodeAt(i) !== 0x0a && text.charCodeAt(i) !== 0x0d) i++;
      continue;
    }
    if (c === 0x28 /* ( */) {
      i = skipLiteralString(text, i);
      tokens = [];
      continue;
    }
    if (c === 0x3c /* < */) {
      if (text.charCodeAt(i + 1) === 0x3c) i += 2;
      else {
        const close = text.indexOf('>', i + 1);
        if (close < 0) return true;
        i = close + 1;
      }
      tokens = [];
      continue;
    }
    if (c === 0x3e || c === 0x5b || c === 0x5d || c === 0x7b || c === 0x7d || c === 0x29) {
      i += c === 0x3e && text.charCodeAt(i + 1) === 0x3e ? 2 : 1;
      tokens = [];
      continue;
    }
    if (c === 0x2f /* / */) {
      let j = i + 1;
      while (j < n && !ends(text.charCodeAt(j))) j++;
      const name = unescapeName(text.slice(i + 1, j));
      i = j;
      if (ACTIVE_NAMES.has(name)) return true;
      if (name === 'ObjStm') objectStream = true;
      if (name === 'FlateDecode' || name === 'Fl') flate = true;
      lengthName = name === 'Length';
      tokens = [];
      continue;
    }
    let j = i;
    while (j < n && !ends(text.charCodeAt(j))) j++;
    const token = text.slice(i, j);
    i = j;
    if (lengthName && /^\d+$/.test(token)) length = Number(token);
    else if (token === 'R' && tokens.length === 2 && length === Number(tokens[0])) {
      length = indirectLength(text, tokens[0] as string, tokens[1] as string);
    }
    lengthName = false;
    tokens = [...tokens, token].slice(-2);
    if (token !== 'stream') continue;
    // The data starts after the end of line that follows the keyword.
    let start = i;
    if (text.charCodeAt(start) === 0x0d) start++;
    if (text.charCodeAt(start) === 0x0a) start++;
    const vouched = streamEnd(text, start, length);
    const found = text.indexOf('endstream', start);
    if (vouched === null && found < 0) return true;
    const stop = vouched ?? found;
    const data = text.slice(start, stop);
    // An end that cannot be vouched for: whatever the data holds is read as if it were not stream data.
    if (vouched === null && ACTIVE_TEXT.test(unescapeName(data))) return true;
    if (objectStream) {
      if (!flate || budget.left <= 0) return true;
      const inflated = inflateSync(Buffer.from(data, 'latin1'), { maxOutputLength: budget.left });
      budget.left -= inflated.byteLength;
      if (scan(inflated.toString('latin1'), budget, depth + 1)) return true;
    }
    i = text.indexOf('endstream', stop) + 'endstream'.length;
    objectStream = false;
    flate = false;
    length = null;
    tokens = [];
  }
  return false;
}

/** Where a literal string that opens at `i` ends (balanced parentheses, `\` escapes). */
function skipLiteralString(text: string, i: number): number {
  let depth = 0;
  for (let j = i; j < text.length; j++) {
    const c = text.charCodeAt(j);
    if (c === 0x5c /* \ */) j++;
    else if (c === 0x28) depth++;
    else if (c === 0x29 && --depth === 0) return j + 1;
  }
  return text.length;
}

/** The end of a stream's data when `length` bytes from `start` are followed by `endstream`; else null. */
function streamEnd(text: string, start: number, length: number | null): number | null {
  if (length === null || start + length > text.length) return null;
  let k = start + length;
  while (k < text.length && WHITE.has(text.charCodeAt(k))) k++;
  return text.startsWith('endstream', k) ? start + length : null;
}

/** The integer an indirect `/Length n g R` points at (`n g obj 1234 endobj`), or null. */
function indirectLength(text: string, number: string, generation: string): number | null {
  const found = new RegExp(`(?:^|[\\s>])${number}\\s+${generation}\\s+obj\\s+(\\d+)\\s+endobj`).exec(text);
  return found ? Number(found[1]) : null;
}
