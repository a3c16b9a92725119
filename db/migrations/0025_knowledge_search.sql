-- Full-text search over published answers (docs/decisions/knowledge.md). Hand-written: drizzle-kit
-- does not know FTS5 tables. Rows are written by src/services/knowledge (db/search.ts): `tenant` holds
-- one token naming the organisation, `body` the answer's question and text in both languages, folded.
CREATE VIRTUAL TABLE `published_answer_search` USING fts5(
	`tenant`,
	`body`,
	`answer_id` UNINDEXED,
	tokenize = 'unicode61 remove_diacritics 2',
	prefix = '2 3 4'
);
