CREATE TABLE "published_answers" (
	"id" text PRIMARY KEY NOT NULL,
	"organisation_id" text NOT NULL,
	"workflow_id" text NOT NULL,
	"workflow_step_id" text,
	"role_id" text NOT NULL,
	"source_question_id" text,
	"status" text NOT NULL,
	"question" text,
	"answer" text,
	"translations" json DEFAULT '{}'::json NOT NULL,
	"draft_question" text,
	"draft_answer" text,
	"draft_translations" json,
	"draft_by_id" text,
	"draft_at" bigint,
	"author_id" text NOT NULL,
	"published_by_id" text,
	"reviewed_by_id" text,
	"reviewed_at" bigint,
	"published_at" bigint,
	"retired_at" bigint,
	"merged_into_id" text,
	"shown_count" bigint DEFAULT 0 NOT NULL,
	"answered_count" bigint DEFAULT 0 NOT NULL,
	"created_at" bigint NOT NULL,
	"updated_at" bigint NOT NULL
);
--> statement-breakpoint
ALTER TABLE "organisations" ADD COLUMN "question_minutes" json DEFAULT '{"tracker":5,"phone":8,"desk":10,"email":6}'::json NOT NULL;--> statement-breakpoint
ALTER TABLE "questions" ADD COLUMN "opened_at" bigint;--> statement-breakpoint
ALTER TABLE "questions" ADD COLUMN "effort_minutes" bigint;--> statement-breakpoint
ALTER TABLE "steps" ADD COLUMN "workflow_step_id" text;--> statement-breakpoint
ALTER TABLE "published_answers" ADD CONSTRAINT "published_answers_workflow_id_workflows_id_fk" FOREIGN KEY ("workflow_id") REFERENCES "public"."workflows"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "published_answers" ADD CONSTRAINT "published_answers_role_id_roles_id_fk" FOREIGN KEY ("role_id") REFERENCES "public"."roles"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "published_answers" ADD CONSTRAINT "published_answers_source_question_id_questions_id_fk" FOREIGN KEY ("source_question_id") REFERENCES "public"."questions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "published_answers" ADD CONSTRAINT "published_answers_draft_by_id_specialists_id_fk" FOREIGN KEY ("draft_by_id") REFERENCES "public"."specialists"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "published_answers" ADD CONSTRAINT "published_answers_author_id_specialists_id_fk" FOREIGN KEY ("author_id") REFERENCES "public"."specialists"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "published_answers" ADD CONSTRAINT "published_answers_published_by_id_specialists_id_fk" FOREIGN KEY ("published_by_id") REFERENCES "public"."specialists"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "published_answers" ADD CONSTRAINT "published_answers_reviewed_by_id_specialists_id_fk" FOREIGN KEY ("reviewed_by_id") REFERENCES "public"."specialists"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "published_answers_step" ON "published_answers" USING btree ("organisation_id","workflow_step_id","status");--> statement-breakpoint
CREATE INDEX "published_answers_changed" ON "published_answers" USING btree ("organisation_id","workflow_id","updated_at");--> statement-breakpoint
CREATE INDEX "published_answers_review" ON "published_answers" USING btree ("organisation_id","role_id","draft_at");