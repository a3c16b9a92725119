import { Marked } from 'marked';
import sanitizeHtml from 'sanitize-html';
import { stripBidiControls } from './bidi';

const marked = new Marked({ gfm: true, breaks: true, async: false });

/** Markdown to HTML that is safe to put on a customer's page: a short allow-list, no scripts, no styles. */
export function renderMarkdown(markdown: string): string {
  // Also for notes stored before direction controls were dropped at input.
  const html = marked.parse(stripBidiControls(markdown)) as string;
  return sanitizeHtml(html, {
    allowedTags: [
      'p',
      'br',
      'strong',
      'em',
      'del',
      'code',
      'pre',
      'blockquote',
      'ul',
      'ol',
      'li',
      'a',
      'h3',
      'h4',
    ],
    allowedAttributes: { a: ['href', 'rel'] },
    allowedSchemes: ['https', 'http', 'mailto', 'tel'],
    transformTags: {
      a: sanitizeHtml.simpleTransform('a', { rel: 'noopener noreferrer nofollow ugc' }),
      h1: 'h3',
      h2: 'h3',
    },
  }).trim();
}
