-- Full-text search over published answers (docs/decisions/knowledge.md). Hand-written: drizzle-kit
-- does not know FTS5 tables. Rows are written by src/services/knowledge (db/search.ts). Every word of
-- `body` is the answer's word (folded in the application) behind its organisation's tag, so each tenant
-- has posting lists of its own. Contentless: the index only, the text stays in published_answers; the
-- rowid is the answer's number in published_answer_search_ids (deletes by rowid need no scan).
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
--> statement-breakpoint
-- Data: a job's step names the workflow step it was made from, found by the job's workflow and the step's
-- position as the workflow stands now (workflow steps keep their ids from here on; a workflow reordered after
-- the job was made cannot be told apart any more).
UPDATE steps SET workflow_step_id = (
  SELECT ws.id FROM workflow_steps ws JOIN jobs j ON j.workflow_id = ws.workflow_id
  WHERE j.id = steps.job_id AND ws.position = steps.position
) WHERE workflow_step_id IS NULL;
