CREATE TABLE "consults" (
	"id" text PRIMARY KEY NOT NULL,
	"organisation_id" text NOT NULL,
	"job_id" text NOT NULL,
	"step_id" text,
	"question_id" text NOT NULL,
	"cost_line_id" text NOT NULL,
	"signoff_id" text NOT NULL,
	"offer_id" text NOT NULL,
	"expert_id" text,
	"title" text NOT NULL,
	"locale" text NOT NULL,
	"minutes" bigint NOT NULL,
	"price_cents" bigint NOT NULL,
	"vat_rate_bp" bigint NOT NULL,
	"created_at" bigint NOT NULL
);
--> statement-breakpoint
ALTER TABLE "questions" ADD COLUMN "paid" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "questions" ADD COLUMN "talk_at" bigint;--> statement-breakpoint
ALTER TABLE "consults" ADD CONSTRAINT "consults_organisation_id_organisations_id_fk" FOREIGN KEY ("organisation_id") REFERENCES "public"."organisations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "consults" ADD CONSTRAINT "consults_job_id_jobs_id_fk" FOREIGN KEY ("job_id") REFERENCES "public"."jobs"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "consults" ADD CONSTRAINT "consults_step_id_steps_id_fk" FOREIGN KEY ("step_id") REFERENCES "public"."steps"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "consults" ADD CONSTRAINT "consults_question_id_questions_id_fk" FOREIGN KEY ("question_id") REFERENCES "public"."questions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "consults" ADD CONSTRAINT "consults_expert_id_specialists_id_fk" FOREIGN KEY ("expert_id") REFERENCES "public"."specialists"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "consults_job" ON "consults" USING btree ("job_id","created_at");--> statement-breakpoint
CREATE UNIQUE INDEX "consults_question" ON "consults" USING btree ("question_id");--> statement-breakpoint
CREATE INDEX "consults_org" ON "consults" USING btree ("organisation_id","created_at");