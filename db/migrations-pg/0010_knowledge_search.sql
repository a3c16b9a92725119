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
