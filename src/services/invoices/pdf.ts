import { createRequire } from 'node:module';
import PDFDocument from 'pdfkit';
import type { InvoiceSnapshot } from '../../../db/schema';
import { formatters } from '../../i18n/format';
import { invoiceMessages } from '../../i18n/invoice';
import { fill } from '../../i18n/messages';
import { formatIban } from '../organisation/invoice-details';
import { addressLines } from '../platform/address';

/**
 * The invoice as a PDF (pdfkit), from its snapshot and the organisation's logo (PNG) alone. DejaVu Sans is
 * embedded (subset) so any customer's name prints, whatever its script; the creation date is the issue
 * time, so the same snapshot renders to the same bytes.
 */
const require = createRequire(import.meta.url);
const FONT = require.resolve('dejavu-fonts-ttf/ttf/DejaVuSans.ttf');
const BOLD = require.resolve('dejavu-fonts-ttf/ttf/DejaVuSans-Bold.ttf');

const PAGE = { width: 595.28, height: 841.89, margin: 50 };
const RIGHT = PAGE.width - PAGE.margin;
const GREY = '#52525b';

/** Columns of the lines table: description, quantity, unit price, VAT rate, amount. */
const COLUMNS = [
  { x: PAGE.margin, width: 220, align: 'left' },
  { x: 275, width: 50, align: 'right' },
  { x: 330, width: 80, align: 'right' },
  { x: 415, width: 45, align: 'right' },
  { x: 465, width: RIGHT - 465, align: 'right' },
] as const;

export async function renderInvoicePdf(snapshot: InvoiceSnapshot, logoPng: Buffer | null): Promise<Buffer> {
  const t = invoiceMessages[snapshot.locale];
  const f = formatters({ locale: snapshot.locale, timeZone: snapshot.timeZone, currency: snapshot.currency });
  const credit = snapshot.kind === 'credit_note';
  const title = `${credit ? t.creditNote : t.invoice} ${snapshot.number}`;
  const doc = new PDFDocument({
    size: 'A4',
    margin: PAGE.margin,
    font: FONT,
    lang: snapshot.locale,
    displayTitle: true,
    info: {
      Title: title,
      Author: snapshot.seller.legalName,
      CreationDate: new Date(snapshot.issuedAt),
      ModDate: new Date(snapshot.issuedAt),
    },
  });
  const chunks: Buffer[] = [];
  doc.on('data', (chunk: Buffer) => chunks.push(chunk));
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
  doc.registerFont('regular', FONT);
  doc.registerFont('bold', BOLD);

  // Seller: logo (or name) left, details right.
  const top = PAGE.margin;
  if (logoPng) doc.image(logoPng, PAGE.margin, top, { fit: [180, 60] });
  else doc.font('bold').fontSize(16).text(snapshot.seller.name, PAGE.margin, top, { width: 240 });
  const seller = [
    snapshot.seller.legalName,
    ...addressLines(snapshot.seller.address, snapshot.locale),
    `${t.registration}: ${snapshot.seller.registrationNumber}`,
    `${t.vatNumber}: ${snapshot.seller.vatNumber}`,
    `${t.iban}: ${formatIban(snapshot.seller.iban)}`,
  ];
  doc.font('regular').fontSize(9).fillColor(GREY);
  doc.text(seller.join('\n'), 320, top, { width: RIGHT - 320, align: 'right' });

  // Title and the invoice's own facts.
  let y = Math.max(doc.y, top + 70) + 24;
  doc
    .fillColor('black')
    .font('bold')
    .fontSize(20)
    .text(credit ? t.creditNote : t.invoice, PAGE.margin, y);
  y = doc.y + 10;
  const facts: [string, string][] = [
    [credit ? t.creditNoteNumber : t.number, snapshot.number],
    [credit ? t.creditDate : t.date, f.day(snapshot.issuedAt)],
    ...(snapshot.dueAt !== null ? [[t.due, f.day(snapshot.dueAt)] as [string, string]] : []),
    [t.job, `${snapshot.job.reference} · ${snapshot.job.title}`],
  ];
  doc.font('regular').fontSize(10);
  const factsTop = y;
  for (const [label, value] of facts) {
    doc.fillColor(GREY).text(label, PAGE.margin, y, { width: 110 });
    doc.fillColor('black').text(value, PAGE.margin + 115, y, { width: 180 });
    y = doc.y + 3;
  }
  // The customer, right.
  doc.fillColor(GREY).text(t.billTo, 320, factsTop, { width: RIGHT - 320 });
  const customer = [
    snapshot.customer.name,
    ...(snapshot.customer.address ? addressLines(snapshot.customer.address, snapshot.locale) : []),
    ...(snapshot.customer.email ? [snapshot.customer.email] : []),
  ];
  doc.fillColor('black').text(customer.join('\n'), 320, doc.y + 2, { width: RIGHT - 320 });
  y = Math.max(y, doc.y) + 12;
  if (snapshot.credits) {
    doc.text(
      fill(t.credits, { number: snapshot.credits.number, date: f.day(snapshot.credits.issuedAt) }),
      PAGE.margin,
      y,
    );
    if (snapshot.reason) doc.text(fill(t.reason, { reason: snapshot.reason }));
    y = doc.y + 12;
  }

  // The lines.
  const row = (cells: string[], bold = false) => {
    doc.font(bold ? 'bold' : 'regular').fontSize(9);
    const heights = cells.map((cell, i) => doc.heightOfString(cell, { width: COLUMNS[i]?.width ?? 50 }));
    const height = Math.max(...heights);
    if (y + height > PAGE.height - PAGE.margin - 20) {
      doc.addPage();
      y = PAGE.margin;
    }
    cells.forEach((cell, i) => {
      const column = COLUMNS[i];
      if (column) doc.text(cell, column.x, y, { width: column.width, align: column.align });
    });
    y += height + 5;
  };
  const rule = () => {
    doc
      .moveTo(PAGE.margin, y - 2)
      .lineTo(RIGHT, y - 2)
      .lineWidth(0.5)
      .strokeColor('#a1a1aa')
      .stroke();
    y += 4;
  };
  doc.fillColor('black');
  row([t.description, t.quantity, t.unitPrice, t.vatRate, t.amount], true);
  rule();
  for (const line of snapshot.lines) {
    row([
      `${line.description}\n${t.kind[line.kind]}`,
      f.quantity(line.quantityMilli),
      f.money(line.unitPriceCents),
      f.rate(line.vatRateBp),
      f.money(line.netCents),
    ]);
  }
  rule();

  // Totals: subtotal, VAT per rate (on the sum of the lines at that rate), total.
  const total = (label: string, amount: number, bold = false) => {
    doc.font(bold ? 'bold' : 'regular').fontSize(bold ? 11 : 10);
    if (y > PAGE.height - PAGE.margin - 40) {
      doc.addPage();
      y = PAGE.margin;
    }
    doc.text(label, 250, y, { width: 205, align: 'right' });
    doc.text(f.money(amount), 465, y, { width: RIGHT - 465, align: 'right' });
    y = doc.y + 4;
  };
  total(t.subtotal, snapshot.totals.netCents);
  for (const rate of snapshot.totals.vatByRate) {
    total(fill(t.vatOn, { rate: f.rate(rate.vatRateBp), amount: f.money(rate.netCents) }), rate.vatCents);
  }
  total(t.total, snapshot.totals.grossCents, true);

  // How to pay (or the refund).
  y += 16;
  doc.font('regular').fontSize(10).fillColor('black');
  const gross = f.money(Math.abs(snapshot.totals.grossCents));
  // A credit note, or an invoice whose discounts exceed its costs, pays back; nothing owed asks nothing.
  const owed = snapshot.totals.grossCents;
  const pay =
    credit || owed < 0
      ? fill(t.refund, { amount: gross })
      : owed === 0
        ? t.nothingOwed
        : fill(t.payBy, {
            amount: gross,
            date: f.day(snapshot.dueAt ?? snapshot.issuedAt),
            iban: formatIban(snapshot.seller.iban),
            name: snapshot.seller.legalName,
            number: snapshot.number,
          });
  doc.text(pay, PAGE.margin, y, { width: RIGHT - PAGE.margin });
  if (snapshot.paymentUrl && !credit && owed > 0) {
    const url = snapshot.paymentUrl;
    doc.moveDown(0.5).fillColor('#1d4ed8').text(fill(t.payOnline, { url }), { link: url, underline: true });
  }
  doc.end();
  return done;
}
