-- Search with posting lists per tenant (docs/decisions/knowledge.md): every word of `body` is the answer's
-- word (folded in the application) behind its organisation's tag. Contentless: the index only, the text
-- stays in published_answers; the rowid is the answer's number in published_answer_search_ids (deletes by
-- rowid need no scan). The index of 0028 (one tenant token beside untagged words) is dropped; the
-- application writes the new one from the published answers when it starts (src/prepare-database.ts).
DROP TABLE `published_answer_search`;
--> statement-breakpoint
CREATE TABLE `published_answer_search_ids` (
	`id` integer PRIMARY KEY,
	`answer_id` text NOT NULL UNIQUE
);
--> statement-breakpoint
CREATE VIRTUAL TABLE `published_answer_search` USING fts5(
	`body`,
	content = '',
	contentless_delete = 1,
	tokenize = 'unicode61 remove_diacritics 2'
);
--> statement-breakpoint
-- Fewer segments for a search to look a term up in (merged when two, not four, are on a level):
-- answers are published one at a time and rarely, searches run on every key typed.
INSERT INTO `published_answer_search` (`published_answer_search`, `rank`) VALUES ('automerge', 2);
