import type { APIRoute } from 'astro';
import { insightsCsv, loadInsights } from '../../console/insights-page';
import { consolePage } from '../../console/page';
import { insightMessages } from '../../i18n/insights';

// The insights page's tables as CSV: ?table=steps|questions|specialists&from=…&to=… (the viewer's own rights).
export const GET: APIRoute = async (Astro) => {
  const { ctx, locale } = consolePage(Astro);
  const t = insightMessages[locale];
  const query = Astro.url.searchParams;
  const data = await loadInsights(ctx, {
    from: query.get('from') ?? undefined,
    to: query.get('to') ?? undefined,
  });
  const table = query.get('table') ?? '';
  const csv = data.badPeriod ? null : insightsCsv(table, data, t);
  if (csv === null) {
    return new Response(data.badPeriod ? t.badPeriod : t.badTable, {
      status: 422,
      headers: { 'content-type': 'text/plain; charset=utf-8' },
    });
  }
  const name = `insights-${table}-${data.period.from}-${data.period.to}.csv`;
  return new Response(`\ufeff${csv}`, {
    headers: {
      'content-type': 'text/csv; charset=utf-8',
      'content-disposition': `attachment; filename="${name}"`,
    },
  });
};
