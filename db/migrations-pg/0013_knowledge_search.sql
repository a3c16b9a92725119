-- Full-text search over published answers (docs/decisions/knowledge.md). Hand-written: the schema
-- generator has no tsvector. The document is built from text folded in the application (case and
-- accents, the same folding as on libSQL), with the `simple` configuration, plus one lexeme naming
-- the organisation, so the GIN index answers a tenant's search without reading another tenant's rows.
CREATE TABLE "published_answer_search" (
	"answer_id" text PRIMARY KEY NOT NULL,
	"organisation_id" text NOT NULL,
	"document" tsvector NOT NULL
);
--> statement-breakpoint
CREATE INDEX "published_answer_search_document" ON "published_answer_search" USING gin ("document");
--> statement-breakpoint
-- Data: a job's step names the workflow step it was made from, found by the job's workflow and the step's
-- position as the workflow stands now (workflow steps keep their ids from here on; a workflow reordered after
-- the job was made cannot be told apart any more).
UPDATE steps SET workflow_step_id = (
  SELECT ws.id FROM workflow_steps ws JOIN jobs j ON j.workflow_id = ws.workflow_id
  WHERE j.id = steps.job_id AND ws.position = steps.position
) WHERE workflow_step_id IS NULL;
