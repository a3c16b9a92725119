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
--> statement-breakpoint
-- Data: a job's step names the workflow step it was made from, found by the job's workflow and the step's
-- position as the workflow stands now (workflow steps keep their ids from here on; a workflow reordered after
-- the job was made cannot be told apart any more).
UPDATE steps SET workflow_step_id = (
  SELECT ws.id FROM workflow_steps ws JOIN jobs j ON j.workflow_id = ws.workflow_id
  WHERE j.id = steps.job_id AND ws.position = steps.position
) WHERE workflow_step_id IS NULL;
