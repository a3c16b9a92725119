import { describe, expect, it } from 'vitest';
import { ownWords, parseInboundMail } from '../../src/notify/mail/inbound-parse';

/** How the common mail programs quote and sign a reply, in English and Dutch. */
const REPLIES: [string, string, string][] = [
  [
    'Gmail',
    'Thanks, can you also check the brakes?\n\nOn Wed, 2 Dec 2026 at 16:00, Garage Jan <reply+abc@x.nl> wrote:\n> The car is ready at 5.\n> \n> Jan',
    'Thanks, can you also check the brakes?',
  ],
  [
    'Gmail, the attribution wrapped',
    'Thanks, can you also check the brakes?\n\nOn Wed, 2 Dec 2026 at 16:00, Garage Jan de Boer via Open Kitchen <\nreply+abc@x.nl> wrote:\n\n> The car is ready at 5.',
    'Thanks, can you also check the brakes?',
  ],
  [
    'Gmail in Dutch',
    'Prima, dank u. Kan ik hem om 17 uur ophalen?\n\nOp wo 2 dec 2026 om 16:00 schreef Garage Jan <reply+abc@x.nl>:\n> De auto is om 5 uur klaar.',
    'Prima, dank u. Kan ik hem om 17 uur ophalen?',
  ],
  [
    'Outlook',
    'Yes please go ahead.\n\nFrom: Garage Jan <reply+abc@x.nl>\nSent: Wednesday, December 2, 2026 4:00 PM\nTo: Sanne <sanne@example.nl>\nSubject: Your car\n\nThe car is ready at 5.',
    'Yes please go ahead.',
  ],
  [
    'Outlook in Dutch',
    'Ja, ga uw gang.\n\nVan: Garage Jan <reply+abc@x.nl>\nVerzonden: woensdag 2 december 2026 16:00\nAan: Sanne <sanne@example.nl>\nOnderwerp: Uw auto\n\nDe auto is om 5 uur klaar.',
    'Ja, ga uw gang.',
  ],
  [
    'Apple Mail on an iPhone',
    'Sounds good!\n\nSent from my iPhone\n\n> On 2 Dec 2026, at 16:00, Garage Jan <reply+abc@x.nl> wrote:\n> \n> The car is ready at 5.',
    'Sounds good!',
  ],
  [
    'Apple Mail in Dutch',
    'Klinkt goed!\n\nVerstuurd vanaf mijn iPhone\n\n> Op 2 dec. 2026 om 16:00 heeft Garage Jan <reply+abc@x.nl> het volgende geschreven:\n> \n> De auto is klaar.',
    'Klinkt goed!',
  ],
  [
    'a Dutch closing',
    'Kan ik om 5 uur komen?\n\nMet vriendelijke groet,\nSanne de Vries',
    'Kan ik om 5 uur komen?',
  ],
  ['an English closing', 'Can I come at 5?\n\nKind regards,\nSanne', 'Can I come at 5?'],
  ['a thank-you that is the whole message', 'Thanks!', 'Thanks!'],
  ['a "-- " signature', 'Is the part in stock?\n\n-- \nSanne de Vries\n06 12345678', 'Is the part in stock?'],
];

describe("a reply's own words", () => {
  it.each(REPLIES)('%s: quoted history and signature are left out', (_name, text, own) => {
    expect(ownWords(text)).toBe(own);
    expect(ownWords(text.replace(/\n/g, '\r\n'))).toBe(own);
  });

  it('keeps several paragraphs, keeps a link, and drops markup and control characters', () => {
    expect(ownWords('Hello,\n\nSee <https://example.nl/photo> and <b>this</b>.\u0000\u202e\n\nSanne')).toBe(
      'Hello,\n\nSee https://example.nl/photo and this.\n\nSanne',
    );
  });
});

const message = (headers: string, body = 'Hello') => Buffer.from(`${headers}\r\n\r\n${body}\r\n`);

describe('reading a message', () => {
  it('reads sender, recipients, threading and the own words', async () => {
    const read = await parseInboundMail(
      message(
        [
          'From: Sanne <Sanne@Example.nl>',
          'To: reply+abc.x.y@replies.test',
          'Cc: other@example.nl',
          'Message-ID: <m2@example.nl>',
          'In-Reply-To: <q_abcdefgh.1@replies.test>',
          'References: <first@example.nl> <q_abcdefgh.1@replies.test>',
          'Subject: Re: your car',
        ].join('\r\n'),
        'Fine!\r\n\r\nOn Wed, 2 Dec 2026, Garage <reply+abc.x.y@replies.test> wrote:\r\n> Ready.',
      ),
    );
    expect(read).toMatchObject({
      ok: true,
      mail: {
        from: 'sanne@example.nl',
        recipients: ['reply+abc.x.y@replies.test', 'other@example.nl'],
        messageId: '<m2@example.nl>',
        references: ['<q_abcdefgh.1@replies.test>', '<first@example.nl>'],
        text: 'Fine!',
      },
    });
  });

  it('refuses what is not a message: no headers, no sender, binary garbage', async () => {
    for (const raw of [
      Buffer.from('just some words\r\nwithout headers'),
      message('To: reply+x@replies.test\r\nSubject: hi'),
      Buffer.from([0, 1, 2, 255, 254, 10, 13, 10, 65]),
      Buffer.alloc(0),
    ]) {
      expect(await parseInboundMail(raw)).toEqual({ ok: false, problem: 'unreadable' });
    }
  });
});
