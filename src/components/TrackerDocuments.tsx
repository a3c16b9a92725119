import { For, Show } from 'solid-js';
import { type DocumentMessages, documentMessages } from '../i18n/documents';
import type { Formatters } from '../i18n/format';
import { fill, type Locale } from '../i18n/messages';
import type { PublicDocument } from '../services/documents/documents';
import type { PublicSignoff } from '../services/documents/signoffs';

/**
 * Documents and sign-offs on the customer's tracker, rendered on the server only. Links are relative to
 * the tracker page (`?document=…`, `?signoff=…`), which sends them on under its token: the rendered
 * regions are shared and kept, and hold no token (docs/decisions/documents.md).
 */
type Ui = { locale: Locale; f: Formatters };

const kindOf = (doc: PublicDocument, t: DocumentMessages) =>
  `${doc.contentType === 'application/pdf' ? t.pdf : t.image}, ${fill(t.size, { kb: Math.max(1, Math.round(doc.size / 1024)) })}`;

/** The record of a decision: who, when, of which version, and the fingerprint of what. */
export function SignoffRecord(props: Ui & { signoff: PublicSignoff }) {
  const t = documentMessages[props.locale];
  const s = () => props.signoff;
  const when = () => props.f.when(s().decidedAt ?? 0, 0);
  return (
    <p class="signoff-record">
      {s().status === 'signed'
        ? fill(t.signedBy, { name: s().signerName ?? '', when: when() })
        : fill(t.declinedBy, { when: when(), reason: s().reason ?? '' })}
      <Show when={s().version}>{(v) => <> ({fill(t.asOfVersion, { version: v() })})</>}</Show>
      <br />
      <small class="hash">{fill(t.fingerprint, { hash: s().sha256 ?? '' })}</small>
    </p>
  );
}

/** The documents on one step, each with its newest sign-off (open: a link to sign; decided: the record). */
export function StepDocuments(props: Ui & { documents: PublicDocument[]; signoffs: PublicSignoff[] }) {
  const t = documentMessages[props.locale];
  return (
    <Show when={props.documents.length > 0}>
      <ul class="documents" aria-label={t.documents}>
        <For each={props.documents}>
          {(doc) => {
            const latest = () => props.signoffs.find((s) => s.documentId === doc.id);
            return (
              <li class="document">
                <a href={`?document=${doc.versionId}`} aria-label={fill(t.open, { title: doc.title })}>
                  <bdi>{doc.title}</bdi>
                </a>{' '}
                <span class="meta">
                  ({kindOf(doc, t)}, {fill(t.version, { version: doc.version })})
                </span>{' '}
                <a href={`?document=${doc.versionId}&download=1`}>{t.download}</a>
                <Show when={latest()}>
                  {(s) =>
                    s().status === 'requested' ? (
                      <p>
                        <a class="button" href={`?signoff=${s().id}`}>
                          {fill(t.signoffOpen, { title: doc.title })}
                        </a>
                      </p>
                    ) : (
                      <SignoffRecord signoff={s()} locale={props.locale} f={props.f} />
                    )
                  }
                </Show>
              </li>
            );
          }}
        </For>
      </ul>
    </Show>
  );
}

/** What waits for the customer's sign-off, at the top of the tracker (open jobs). */
export function SignoffRequests(props: Ui & { documents: PublicDocument[]; signoffs: PublicSignoff[] }) {
  const t = documentMessages[props.locale];
  const open = () => props.signoffs.filter((s) => s.status === 'requested' && s.subject !== 'cost_line');
  const title = (s: PublicSignoff) =>
    s.subject === 'quote'
      ? t.quoteOpen
      : fill(t.signoffOpen, { title: props.documents.find((d) => d.id === s.documentId)?.title ?? '' });
  return (
    <Show when={open().length > 0}>
      <section class="approvals" aria-labelledby="signoff-heading">
        <h2 id="signoff-heading">{t.signoffHeading}</h2>
        <p>{t.signoffIntro}</p>
        <ul>
          <For each={open()}>
            {(s) => (
              <li>
                <a href={`?signoff=${s.id}`}>{title(s)}</a>
              </li>
            )}
          </For>
        </ul>
      </section>
    </Show>
  );
}

/** The records of the quote's acceptance (or refusal), under the costs. */
export function QuoteRecords(props: Ui & { signoffs: PublicSignoff[] }) {
  const decided = () =>
    props.signoffs.filter((s) => s.subject === 'quote' && (s.status === 'signed' || s.status === 'declined'));
  return <For each={decided()}>{(s) => <SignoffRecord signoff={s} locale={props.locale} f={props.f} />}</For>;
}
