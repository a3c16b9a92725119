import { type SQL, sql } from 'drizzle-orm';
import type { Db } from './client';
import { onPostgres } from './dialect';

/**
 * Full-text search over published answers, the one place the two dialects differ for it
 * (docs/decisions/knowledge.md): SQLite's FTS5 table on libSQL, a tsvector with a GIN index on
 * PostgreSQL, both made by hand-written migrations (0028_knowledge_search, pg 0013_knowledge_search).
 *
 * Both sides index and search the same tokens, folded here (lower case, accents removed, split on
 * anything that is not a letter or digit), so a search finds the same answers whichever database runs.
 * A search term is only ever letters and digits, quoted as a prefix term: the customer's text is never
 * read as query syntax.
 */

/** Lower case without accents: "Één Keuring" → "een keuring". */
export const foldText = (text: string) =>
  text
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase();

/** The words of a text as both indexes hold them. */
export const searchTokens = (text: string): string[] => foldText(text).match(/[\p{L}\p{N}]+/gu) ?? [];

/** The organisation as one token of its own (hex: letters and digits only, never equal to a word's prefix by chance). */
export const tenantToken = (organisationId: string) => `t${Buffer.from(organisationId).toString('hex')}x`;

async function rows<T>(db: Db, query: SQL): Promise<T[]> {
  if (onPostgres()) {
    const result = await (db as unknown as { execute(q: SQL): Promise<{ rows: T[] }> }).execute(query);
    return result.rows;
  }
  return db.all<T>(query);
}

async function run(db: Db, query: SQL): Promise<void> {
  if (onPostgres()) await (db as unknown as { execute(q: SQL): Promise<unknown> }).execute(query);
  else await db.run(query);
}

/** Replaces an answer's document (its searchable text) in the index. */
export async function indexAnswerDocument(
  db: Db,
  doc: { answerId: string; organisationId: string; text: string },
): Promise<void> {
  await removeAnswerDocument(db, doc.answerId);
  const body = searchTokens(doc.text).join(' ');
  const tenant = tenantToken(doc.organisationId);
  if (onPostgres()) {
    await run(
      db,
      sql`insert into published_answer_search (answer_id, organisation_id, document)
          values (${doc.answerId}, ${doc.organisationId}, to_tsvector('simple', ${`${tenant} ${body}`}))`,
    );
  } else {
    await run(
      db,
      sql`insert into published_answer_search (tenant, body, answer_id) values (${tenant}, ${body}, ${doc.answerId})`,
    );
  }
}

export async function removeAnswerDocument(db: Db, answerId: string): Promise<void> {
  await run(db, sql`delete from published_answer_search where answer_id = ${answerId}`);
}

/**
 * The answers of one organisation whose document holds any of `terms` (each as a word prefix), best
 * match first. `terms` must be what `searchTokens` gives (letters and digits only); callers choose
 * them (src/services/knowledge/search.ts).
 */
export async function searchAnswerDocuments(
  db: Db,
  organisationId: string,
  terms: string[],
  limit: number,
): Promise<string[]> {
  const safe = terms.filter((t) => /^[\p{L}\p{N}]+$/u.test(t));
  if (safe.length === 0) return [];
  const tenant = tenantToken(organisationId);
  if (onPostgres()) {
    // A lexeme in single quotes, as a prefix; the terms hold no quote or operator to escape.
    const query = `'${tenant}' & (${safe.map((t) => `'${t}':*`).join(' | ')})`;
    const found = await rows<{ answer_id: string }>(
      db,
      sql`select answer_id from published_answer_search
          where document @@ to_tsquery('simple', ${query}) and organisation_id = ${organisationId}
          order by ts_rank(document, to_tsquery('simple', ${query})) desc, answer_id
          limit ${limit}`,
    );
    return found.map((r) => r.answer_id);
  }
  const query = `tenant : "${tenant}" AND body : (${safe.map((t) => `"${t}"*`).join(' OR ')})`;
  const found = await rows<{ answer_id: string }>(
    db,
    sql`select answer_id from published_answer_search
        where published_answer_search match ${query}
        order by bm25(published_answer_search, 0.0, 1.0), answer_id
        limit ${limit}`,
  );
  return found.map((r) => r.answer_id);
}

/** The baseline the bench compares with: the same search as a plain `LIKE` scan of the answers' text. */
export async function likeScanAnswers(
  db: Db,
  organisationId: string,
  terms: string[],
  limit: number,
): Promise<string[]> {
  if (terms.length === 0) return [];
  const op = onPostgres() ? sql.raw('ILIKE') : sql.raw('LIKE');
  const any = sql.join(
    terms.map(
      (t) =>
        sql`(coalesce(question, '') || ' ' || coalesce(answer, '') || ' ' || cast(translations as text)) ${op} ${`%${t}%`}`,
    ),
    sql` or `,
  );
  const found = await rows<{ id: string }>(
    db,
    sql`select id from published_answers
        where organisation_id = ${organisationId} and status = 'published' and (${any})
        order by id limit ${limit}`,
  );
  return found.map((r) => r.id);
}
