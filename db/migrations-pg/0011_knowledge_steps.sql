DROP INDEX "published_answers_step";--> statement-breakpoint
ALTER TABLE "published_answers" ADD COLUMN "workflow_step_id" text;--> statement-breakpoint
ALTER TABLE "steps" ADD COLUMN "workflow_step_id" text;--> statement-breakpoint
CREATE INDEX "published_answers_step" ON "published_answers" USING btree ("organisation_id","workflow_step_id","status");
--> statement-breakpoint
-- Data (hand-written, keep when regenerating): a job's step names the workflow step it was made from, found
-- by the job's workflow and the step's position as the workflow stands now (workflow steps keep their ids
-- from here on; a workflow reordered after the job was made cannot be told apart any more).
UPDATE steps SET workflow_step_id = (
  SELECT ws.id FROM workflow_steps ws JOIN jobs j ON j.workflow_id = ws.workflow_id
  WHERE j.id = steps.job_id AND ws.position = steps.position
) WHERE workflow_step_id IS NULL;
--> statement-breakpoint
-- Published answers belong to a workflow step by id, no longer by (workflow, position).
UPDATE published_answers SET workflow_step_id = (
  SELECT ws.id FROM workflow_steps ws
  WHERE ws.workflow_id = published_answers.workflow_id AND ws.position = published_answers.position
) WHERE workflow_step_id IS NULL;
--> statement-breakpoint
-- An answer whose position no longer exists has no step: retired (and out of the search).
DELETE FROM published_answer_search WHERE answer_id IN (SELECT id FROM published_answers WHERE workflow_step_id IS NULL);
--> statement-breakpoint
UPDATE published_answers SET status = 'retired', retired_at = coalesce(retired_at, (extract(epoch from now()) * 1000)::bigint),
  draft_question = NULL, draft_answer = NULL, draft_translations = NULL, draft_by_id = NULL, draft_at = NULL
WHERE workflow_step_id IS NULL AND status <> 'retired';
--> statement-breakpoint
ALTER TABLE "published_answers" DROP COLUMN "position";
