import { createHash } from 'node:crypto';
import { createServer } from 'node:http';
import { createClient } from '@libsql/client';

/**
 * The baseline for step posts: bare node:http + @libsql/client doing the same work as
 * PUT /api/v1/jobs/{jobId}/steps/{stepId}/promise (key lookup, one write transaction with the
 * same statements and the event), same database settings (WAL, 5 s busy timeout), no framework.
 */
const client = createClient({ url: process.env.DATABASE_URL ?? '', timeout: 5000 });
await client.execute('PRAGMA journal_mode = WAL');
const route = /^\/api\/v1\/jobs\/([^/]+)\/steps\/([^/]+)\/promise$/;

const server = createServer(async (req, res) => {
  const match = route.exec(req.url ?? '');
  let body = '';
  for await (const chunk of req) body += chunk;
  const fail = (status: number, message: string) => {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ error: { message } }));
  };
  if (!match || req.method !== 'PUT') return fail(404, 'not found');
  const key = /^Bearer (\S+)$/.exec(req.headers.authorization ?? '')?.[1] ?? '';
  const input = JSON.parse(body) as { promisedAt: string; reason?: string };
  const promisedAt = Date.parse(input.promisedAt);
  if (Number.isNaN(promisedAt)) return fail(422, 'promisedAt');
  const auth = await client.execute({
    sql: 'select k.id, k.organisation_id from api_keys k join organisations o on o.id = k.organisation_id where k.hash = ? and k.revoked_at is null',
    args: [createHash('sha256').update(key).digest('hex')],
  });
  const keyRow = auth.rows[0] as unknown as { id: string; organisation_id: string } | undefined;
  if (!keyRow) return fail(401, 'unauthorized');
  const [, jobId, stepId] = match;
  const now = Date.now();
  const tx = await client.transaction('write');
  try {
    const job = await tx.execute({
      sql: 'select * from jobs where id = ? and organisation_id = ?',
      args: [jobId!, keyRow.organisation_id],
    });
    if (!job.rows[0]) throw new Error('job');
    const step = (
      await tx.execute({ sql: 'select * from steps where id = ? and job_id = ?', args: [stepId!, jobId!] })
    ).rows[0];
    if (!step) throw new Error('step');
    const updated = (
      await tx.execute({
        sql: 'update steps set promised_at = ?, original_promised_at = ?, promise_reason = ?, updated_at = ? where id = ? returning *',
        args: [promisedAt, step.original_promised_at ?? promisedAt, input.reason ?? null, now, stepId!],
      })
    ).rows[0];
    await tx.execute({ sql: 'update jobs set updated_at = ? where id = ?', args: [now, jobId!] });
    const assignee = updated?.assignee_id
      ? (await tx.execute({ sql: 'select * from specialists where id = ?', args: [updated.assignee_id] }))
          .rows[0]
      : undefined;
    const payload = {
      step: { ...updated, assignee: assignee ?? null },
      previousPromisedAt: step.promised_at,
      reason: input.reason ?? null,
    };
    await tx.execute({
      sql: 'insert into events (organisation_id, job_id, step_id, type, visibility, actor_type, actor_id, payload, created_at) values (?, ?, ?, ?, ?, ?, ?, ?, ?) returning id',
      args: [
        keyRow.organisation_id,
        jobId!,
        stepId!,
        'step.promise_changed',
        'customer',
        'api_key',
        keyRow.id,
        JSON.stringify(payload),
        now,
      ],
    });
    await tx.commit();
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify(updated));
  } catch (error) {
    await tx.rollback();
    fail(404, String(error));
  } finally {
    tx.close();
  }
});
server.listen(0, '127.0.0.1', () =>
  process.send?.({ type: 'listening', port: (server.address() as { port: number }).port }),
);
process.on('SIGTERM', () => process.exit(0));
