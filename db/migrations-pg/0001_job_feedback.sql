CREATE TABLE "job_feedback" (
	"job_id" text PRIMARY KEY NOT NULL,
	"organisation_id" text NOT NULL,
	"score" bigint NOT NULL,
	"comment" text,
	"created_at" bigint NOT NULL,
	"follow_up_by" text,
	"follow_up_done_at" bigint,
	"follow_up_note" text
);
--> statement-breakpoint
ALTER TABLE "job_feedback" ADD CONSTRAINT "job_feedback_job_id_jobs_id_fk" FOREIGN KEY ("job_id") REFERENCES "public"."jobs"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "job_feedback" ADD CONSTRAINT "job_feedback_organisation_id_organisations_id_fk" FOREIGN KEY ("organisation_id") REFERENCES "public"."organisations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "job_feedback" ADD CONSTRAINT "job_feedback_follow_up_by_specialists_id_fk" FOREIGN KEY ("follow_up_by") REFERENCES "public"."specialists"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "job_feedback_org_created" ON "job_feedback" USING btree ("organisation_id","created_at");--> statement-breakpoint
CREATE INDEX "job_feedback_follow_up" ON "job_feedback" USING btree ("organisation_id","follow_up_done_at");