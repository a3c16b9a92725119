import { eq, type SQL, sql } from 'drizzle-orm';
import { integer, real, sqliteTable, text } from 'drizzle-orm/sqlite-core';
import type { Db } from './client';
import { onPostgres } from './dialect';
import { param, prepared } from './prepared';

/**
 * Full-text search over published answers, the one place the two dialects differ for it
 * (docs/decisions/knowledge.md): SQLite's FTS5 table on libSQL, a tsvector with a GIN index on
 * PostgreSQL, both made by hand-written migrations (0028_knowledge_search and 0029_knowledge_search_per_tenant;
 * pg 0013_knowledge_search and 0014_knowledge_search_per_tenant).
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

/** Longer words are not indexed nor searched (PostgreSQL refuses lexemes over 2047 bytes; nobody types them). */
export const MAX_WORD = 64;

/**
 * The organisation's tag, written before each of its words in the index and before each term of its
 * searches, so every tenant has posting lists of its own: `t` + the id's bytes in hex + `x`. Hex never
 * holds an `x`, so no tag is the start of another tenant's tag and a prefix term of one tenant
 * (`"t6f72xkan"*`) can only reach that tenant's words; typed text is only ever the part after the tag.
 */
export const tenantTag = (organisationId: string) => `t${Buffer.from(organisationId).toString('hex')}x`;

/** An answer's text as the index holds it: its words, each tagged with the organisation. */
export const taggedWords = (organisationId: string, text: string): string[] => {
  const tag = tenantTag(organisationId);
  return searchTokens(text)
    .filter((w) => w.length <= MAX_WORD)
    .map((w) => tag + w);
};

/** PostgreSQL positions stop at 16383; later words keep the last position. */
const PG_MAX_POSITION = 16383;

/**
 * A `tsvector` literal of already folded, tagged words with their positions (`'w':1,4 'v':2`), taken as
 * it is by PostgreSQL (no parser, no dictionary): the lexemes are exactly the words libSQL indexes.
 * The words are letters and digits only, so nothing needs quoting inside the quotes.
 */
const tsvectorLiteral = (words: string[]) => {
  const positions = new Map<string, number[]>();
  words.forEach((w, i) => {
    const at = positions.get(w);
    const position = Math.min(i + 1, PG_MAX_POSITION);
    if (at) {
      if (at[at.length - 1] !== position) at.push(position);
    } else positions.set(w, [position]);
  });
  return [...positions].map(([w, at]) => `'${w}':${at.join(',')}`).join(' ');
};

export type AnswerDocument = { answerId: string; organisationId: string; text: string };

/** At most this many documents per statement when indexing many at once. */
const BATCH = 200;

/** Replaces an answer's document (its searchable text) in the index. */
export async function indexAnswerDocument(db: Db, doc: AnswerDocument): Promise<void> {
  await indexAnswerDocuments(db, [doc]);
}

/**
 * Replaces the documents of many answers, a few hundred per statement (the bench builds its index
 * so; `indexAnswerDocument` is the one-answer case). On libSQL the FTS5 table is contentless (it
 * keeps the index, not the text) and its rowid is the answer's number in `published_answer_search_ids`.
 */
export async function indexAnswerDocuments(db: Db, given: AnswerDocument[]): Promise<void> {
  // One document per answer (the last given): a statement may not write one row twice on PostgreSQL.
  const docs = [...new Map(given.map((d) => [d.answerId, d])).values()];
  for (let i = 0; i < docs.length; i += BATCH) {
    const batch = docs.slice(i, i + BATCH);
    if (onPostgres()) {
      const values = batch.map(
        (d) =>
          sql`(${d.answerId}, ${d.organisationId}, cast(${tsvectorLiteral(taggedWords(d.organisationId, d.text))} as tsvector))`,
      );
      await run(
        db,
        sql`insert into published_answer_search (answer_id, organisation_id, document)
            values ${sql.join(values, sql`, `)}
            on conflict (answer_id) do update
            set organisation_id = excluded.organisation_id, document = excluded.document`,
      );
      continue;
    }
    const numbered = await rows<{ id: number; answer_id: string }>(
      db,
      sql`insert into published_answer_search_ids (answer_id)
          values ${sql.join(
            batch.map((d) => sql`(${d.answerId})`),
            sql`, `,
          )}
          on conflict (answer_id) do update set answer_id = excluded.answer_id
          returning id, answer_id`,
    );
    const idOf = new Map(numbered.map((r) => [r.answer_id, Number(r.id)]));
    const ids = batch.map((d) => idOf.get(d.answerId) as number);
    await run(
      db,
      sql`delete from published_answer_search where rowid in (${sql.join(
        ids.map((id) => sql`${id}`),
        sql`, `,
      )})`,
    );
    await run(
      db,
      sql`insert into published_answer_search (rowid, body) values ${sql.join(
        batch.map((d, j) => sql`(${ids[j]}, ${taggedWords(d.organisationId, d.text).join(' ')})`),
        sql`, `,
      )}`,
    );
  }
}

export async function removeAnswerDocument(db: Db, answerId: string): Promise<void> {
  if (onPostgres()) {
    await run(db, sql`delete from published_answer_search where answer_id = ${answerId}`);
    return;
  }
  const [found] = await rows<{ id: number }>(
    db,
    sql`select id from published_answer_search_ids where answer_id = ${answerId}`,
  );
  if (!found) return;
  await run(db, sql`delete from published_answer_search where rowid = ${Number(found.id)}`);
  await run(db, sql`delete from published_answer_search_ids where id = ${Number(found.id)}`);
}

/** How many answers the index holds (0 after a migration that rebuilt its table). */
export async function answerIndexSize(db: Db): Promise<number> {
  const [found] = await rows<{ n: number | string }>(
    db,
    onPostgres()
      ? sql`select count(*) as n from published_answer_search`
      : sql`select count(*) as n from published_answer_search_ids`,
  );
  return Number(found?.n ?? 0);
}

/** Whether the index has segments to merge now and then (FTS5; a GIN index needs nothing). */
export const answerIndexMerges = (): boolean => !onPostgres();

/** Merges the index into one segment (after a bulk build); FTS5 only, PostgreSQL needs nothing. */
export async function optimizeAnswerIndex(db: Db): Promise<void> {
  if (!onPostgres())
    await run(db, sql`insert into published_answer_search (published_answer_search) values ('optimize')`);
}

/**
 * The answers of one organisation whose document holds any of `terms` (each as a word prefix), best
 * match first. `terms` must be what `searchTokens` gives (letters and digits only); callers choose
 * them (src/services/knowledge/search.ts). Each term is tagged with the organisation, so the index
 * only reads that organisation's posting lists.
 */
export async function searchAnswerDocuments(
  db: Db,
  organisationId: string,
  terms: string[],
  limit: number,
): Promise<string[]> {
  const safe = terms.filter((t) => /^[\p{L}\p{N}]+$/u.test(t) && t.length <= MAX_WORD);
  if (safe.length === 0) return [];
  const tag = tenantTag(organisationId);
  if (onPostgres()) {
    // tsquery's own syntax, taken as it is (no parser): quoted lexemes holding no quote or operator.
    const query = safe.map((t) => `'${tag}${t}':*`).join(' | ');
    const found = await rows<{ answer_id: string }>(
      db,
      sql`select answer_id from published_answer_search, cast(${query} as tsquery) q
          where document @@ q and organisation_id = ${organisationId}
          order by ts_rank(document, q) desc, answer_id
          limit ${limit}`,
    );
    return found.map((r) => r.answer_id);
  }
  // FTS5 sorts by `rank` (bm25) itself; only the rows kept are looked up for their answer id.
  const query = safe.map((t) => `"${tag}${t}"*`).join(' OR ');
  const found = await ftsSearch(db).all({ query, limit });
  return found.map((r) => r.answerId);
}

/**
 * The FTS5 table and its numbering as Drizzle sees them, for one prepared query (db/prepared.ts: the
 * SQL is built once, not on every key a customer types). Not in db/schema: drizzle-kit must not make
 * them; migration 0028_knowledge_search does.
 */
const searchIndex = sqliteTable('published_answer_search', {
  rowid: integer('rowid').notNull(),
  match: text('published_answer_search').notNull(),
  rank: real('rank').notNull(),
});
const searchIds = sqliteTable('published_answer_search_ids', {
  id: integer('id').primaryKey(),
  answerId: text('answer_id').notNull(),
});
const ftsSearch = prepared((db) =>
  db
    .select({ answerId: searchIds.answerId })
    .from(searchIndex)
    .innerJoin(searchIds, eq(searchIds.id, searchIndex.rowid))
    .where(sql`${searchIndex.match} match ${param('query')}`)
    .orderBy(searchIndex.rank)
    .limit(param('limit'))
    .prepare(),
);

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
